package dev.ferry.events.arm;

import java.util.Locale;

/**
 * The id of a resource group, {@code /subscriptions/{guid}/resourceGroups/{name}}: what Ferry's
 * allow-lists hold. Compared as Azure compares ids, without regard to case.
 */
public record ResourceGroupId(String subscriptionId, String name) {

    /**
     * Parses a resource-group id; trailing slashes are ignored.
     *
     * @throws MalformedResourceIdException saying which part is wrong
     */
    public static ResourceGroupId parse(String id) {
        String trimmed = id == null ? "" : id.strip().replaceAll("/+$", "");
        String[] parts = trimmed.startsWith("/") ? trimmed.substring(1).split("/", -1) : new String[0];
        if (parts.length != 4 || !parts[0].equalsIgnoreCase("subscriptions") || !parts[2].equalsIgnoreCase("resourceGroups")) {
            throw new MalformedResourceIdException(id, "a resource group id has the form /subscriptions/{id}/resourceGroups/{name}");
        }
        ArmResourceId.checkGroup(id, parts[1], parts[3]);
        return new ResourceGroupId(parts[1], parts[3]);
    }

    /** The group of a resource. */
    public static ResourceGroupId of(ArmResourceId resource) {
        return new ResourceGroupId(resource.subscriptionId(), resource.resourceGroup());
    }

    /** The id in lower case: the form to compare. */
    public String canonical() {
        return toString().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResourceGroupId that && canonical().equals(that.canonical());
    }

    @Override
    public int hashCode() {
        return canonical().hashCode();
    }

    @Override
    public String toString() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + name;
    }
}
