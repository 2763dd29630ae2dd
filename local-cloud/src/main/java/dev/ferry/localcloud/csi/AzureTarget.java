package dev.ferry.localcloud.csi;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Where one cluster's disks and snapshots live in Azure: subscription, node resource group, region. */
record AzureTarget(String subscriptionId, String resourceGroup, String region) {

    AzureTarget {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(resourceGroup, "resourceGroup");
        region = Objects.requireNonNull(region, "region").toLowerCase(Locale.ROOT);
    }

    /** The resource group a class names in its {@code resourceGroup} parameter, else the node resource group. */
    String resourceGroup(Map<String, ?> parameters) {
        Object named = parameter(parameters, "resourceGroup");
        return named == null || named.toString().isBlank() ? resourceGroup : named.toString();
    }

    /** A class parameter by name; the Azure disk driver reads its parameter names without regard to case. */
    static Object parameter(Map<String, ?> parameters, String name) {
        if (parameters == null) {
            return null;
        }
        return parameters.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** The {@code tags} parameter ({@code key1=value1,key2=value2}) merged under the driver's own tags. */
    static Map<String, String> tags(Map<String, ?> parameters, Map<String, String> driverTags) {
        Map<String, String> tags = new LinkedHashMap<>();
        Object custom = parameter(parameters, "tags");
        if (custom != null) {
            for (String pair : custom.toString().split(",")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    tags.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
                }
            }
        }
        tags.putAll(driverTags);
        return tags;
    }
}
