package dev.ferry.localcloud.azure.compute;

import java.util.Locale;

/**
 * Names one resource of the fake: subscription, resource group, type and name, compared without
 * case as ARM does, and printed as its resource id.
 */
public record ResourceKey(String subscriptionId, String resourceGroup, String provider, String type, String name) {

    public static final String COMPUTE = "Microsoft.Compute";
    public static final String STORAGE = "Microsoft.Storage";

    public static ResourceKey disk(String subscriptionId, String resourceGroup, String name) {
        return new ResourceKey(subscriptionId, resourceGroup, COMPUTE, "disks", name);
    }

    public static ResourceKey snapshot(String subscriptionId, String resourceGroup, String name) {
        return new ResourceKey(subscriptionId, resourceGroup, COMPUTE, "snapshots", name);
    }

    public static ResourceKey storageAccount(String subscriptionId, String resourceGroup, String name) {
        return new ResourceKey(subscriptionId, resourceGroup, STORAGE, "storageAccounts", name);
    }

    /**
     * Parses a top-level resource id; returns null if it is not one.
     */
    public static ResourceKey parse(String id) {
        if (id == null) {
            return null;
        }
        String[] p = id.replaceAll("^/+|/+$", "").split("/");
        if (p.length != 8 || !p[0].equalsIgnoreCase("subscriptions") || !p[2].equalsIgnoreCase("resourceGroups")
                || !p[4].equalsIgnoreCase("providers")) {
            return null;
        }
        return new ResourceKey(p[1], p[3], p[5], p[6], p[7]);
    }

    public String id() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/providers/" + provider + "/"
                + type + "/" + name;
    }

    /** The ARM type, e.g. {@code Microsoft.Compute/snapshots}. */
    public String armType() {
        return provider + "/" + type;
    }

    public String canonical() {
        return id().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResourceKey that && canonical().equals(that.canonical());
    }

    @Override
    public int hashCode() {
        return canonical().hashCode();
    }

    @Override
    public String toString() {
        return id();
    }
}
