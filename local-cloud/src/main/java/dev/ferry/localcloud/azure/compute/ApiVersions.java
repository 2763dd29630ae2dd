package dev.ferry.localcloud.azure.compute;

import dev.ferry.localcloud.azure.Exchange;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code api-version} query parameter as Resource Manager checks it before a request reaches a provider: it is
 * required on every request, it has the form {@code YYYY-MM-DD} with an optional suffix such as {@code -preview},
 * and a resource type answers only the versions its provider registered.
 */
final class ApiVersions {

    /**
     * The versions of Compute's disk resource provider (DiskRP) that serve disks and snapshots, newest first: the
     * stable versions in azure-rest-api-specs (Microsoft.Compute/stable/&lt;version&gt;/disk.json up to 2020-05-01,
     * Microsoft.Compute/DiskRP/stable/&lt;version&gt; since) and the first preview. The Java SDK in use
     * (azure-resourcemanager-compute 2.55.1) sends 2025-01-02 for both.
     */
    static final List<String> DISK_RP = List.of("2025-01-02", "2024-03-02", "2023-10-02", "2023-04-02", "2023-01-02",
            "2022-07-02", "2022-03-02", "2021-12-01", "2021-08-01", "2021-04-01", "2020-12-01", "2020-09-30",
            "2020-06-30", "2020-05-01", "2019-11-01", "2019-07-01", "2019-03-01", "2018-09-30", "2018-06-01",
            "2018-04-01", "2017-03-30", "2016-04-30-preview");

    private static final List<String> OLDEST_FIRST = DISK_RP.stream()
            .sorted(java.util.Comparator.comparingInt(DISK_RP::indexOf).reversed()).toList();

    private static final Pattern FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-[A-Za-z]+)?");

    private ApiVersions() {
    }

    /**
     * The request's api-version, refused when it is missing (400 {@code MissingApiVersionParameter}) or not a
     * version at all (400 {@code InvalidApiVersionParameter}).
     */
    static String require(Exchange exchange) {
        String version = exchange.query("api-version");
        if (version == null || version.isBlank()) {
            throw new ArmError(400, "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.");
        }
        if (!FORM.matcher(version).matches()) {
            throw new ArmError(400, "InvalidApiVersionParameter", "The api-version '" + version
                    + "' is invalid. The supported versions are '" + String.join(",", DISK_RP) + "'.");
        }
        return version;
    }

    /**
     * Refuses a version that Compute's disk resource provider does not serve for {@code type} (disks or snapshots)
     * as Resource Manager does: 400 {@code NoRegisteredProviderFound} with the supported versions and locations.
     */
    static void requireDiskRp(String version, String type, String location, Collection<String> locations) {
        if (DISK_RP.stream().noneMatch(version::equalsIgnoreCase)) {
            throw new ArmError(400, "NoRegisteredProviderFound", "No registered resource provider found for location '"
                    + (location == null ? "" : location) + "' and API version '" + version + "' for type '" + type
                    + "'. The supported api-versions are '" + String.join(", ", OLDEST_FIRST) + "'. The supported"
                    + " locations are '" + String.join(", ", locations) + "'.");
        }
    }
}
