package dev.ferry.localcloud.azure.compute;

import java.util.Locale;

/**
 * Azure's location names: a request may name a region by its display name ({@code West US}) or its name
 * ({@code westus}), in any case; Resource Manager answers with the name.
 */
final class Locations {

    private Locations() {
    }

    /** The region's name: lower case, without spaces ({@code "West US"} becomes {@code "westus"}). */
    static String normalize(String location) {
        return location == null ? null : location.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }
}
