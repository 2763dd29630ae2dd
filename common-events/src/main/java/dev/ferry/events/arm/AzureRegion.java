package dev.ferry.events.arm;

import java.util.Locale;

/**
 * Azure region names as Azure means them: {@code West US}, {@code westus} and {@code WestUS} are one region.
 * Resource Manager takes a location by its display name or its name, in any case, and answers with the name.
 */
public final class AzureRegion {

    private AzureRegion() {
    }

    /** The region's name: lower case, without spaces ({@code "West US"} becomes {@code "westus"}); null stays null. */
    public static String normalize(String region) {
        return region == null ? null : region.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }

    /** Whether two names are of one region; false if either is null. */
    public static boolean same(String a, String b) {
        return a != null && b != null && normalize(a).equals(normalize(b));
    }
}
