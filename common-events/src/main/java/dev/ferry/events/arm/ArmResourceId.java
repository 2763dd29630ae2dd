package dev.ferry.events.arm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An Azure Resource Manager resource id, parsed once so that no other code splits ids by hand.
 *
 * <p>Form: {@code /subscriptions/{guid}/resourceGroups/{group}/providers/{namespace}/{type}/{name}},
 * optionally followed by {@code /{childType}/{childName}} pairs. Azure compares ids without regard
 * to case, and so do {@link #equals} and {@link #hashCode}; {@link #toString} keeps the spelling
 * the id was given in.
 */
public final class ArmResourceId {

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    // Azure's rule for resource group names: 1-90 of letters, digits, '_', '-', '.', '(', ')', not ending in '.'.
    private static final Pattern RESOURCE_GROUP = Pattern.compile("[\\p{L}\\p{N}_\\-.()]{0,89}[\\p{L}\\p{N}_\\-()]");
    private static final Pattern PROVIDER_NAMESPACE = Pattern.compile("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)+");
    private static final Pattern SEGMENT = Pattern.compile("[^/?#\\s]+");

    private final String id;
    private final String subscriptionId;
    private final String resourceGroup;
    private final String providerNamespace;
    private final String resourceType;
    private final String name;

    private ArmResourceId(String id, String subscriptionId, String resourceGroup, String providerNamespace,
                          String resourceType, String name) {
        this.id = id;
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
        this.providerNamespace = providerNamespace;
        this.resourceType = resourceType;
        this.name = name;
    }

    /**
     * Parses an id.
     *
     * @throws MalformedResourceIdException saying which part is wrong
     */
    @JsonCreator
    public static ArmResourceId parse(String id) {
        if (id == null || id.isBlank()) {
            throw new MalformedResourceIdException(id, "it is empty");
        }
        if (!id.startsWith("/")) {
            throw new MalformedResourceIdException(id, "it must start with '/subscriptions/'");
        }
        String trimmed = id.endsWith("/") ? id.substring(0, id.length() - 1) : id;
        String[] parts = trimmed.substring(1).split("/", -1);
        if (parts.length < 8) {
            throw new MalformedResourceIdException(id,
                    "it must have the form /subscriptions/{id}/resourceGroups/{name}/providers/{namespace}/{type}/{name}");
        }
        expectKeyword(id, parts[0], "subscriptions", 1);
        expectKeyword(id, parts[2], "resourceGroups", 3);
        expectKeyword(id, parts[4], "providers", 5);
        checkGroup(id, parts[1], parts[3]);
        if (!PROVIDER_NAMESPACE.matcher(parts[5]).matches()) {
            throw new MalformedResourceIdException(id, "the provider namespace '" + parts[5]
                    + "' is not of the form Company.Service");
        }
        if ((parts.length - 6) % 2 != 0) {
            throw new MalformedResourceIdException(id, "the resource types and names after the provider must come in pairs");
        }
        StringBuilder type = new StringBuilder();
        for (int i = 6; i < parts.length; i++) {
            if (!SEGMENT.matcher(parts[i]).matches()) {
                throw new MalformedResourceIdException(id, "segment " + (i + 1) + " is empty or has characters not allowed in an id");
            }
            if (i % 2 == 0) {
                type.append(type.isEmpty() ? "" : "/").append(parts[i]);
            }
        }
        return new ArmResourceId(trimmed, parts[1], parts[3], parts[5], type.toString(), parts[parts.length - 1]);
    }

    /** Checks the subscription and resource group of an id (of a resource or of a group), saying which is wrong. */
    static void checkGroup(String id, String subscriptionId, String resourceGroup) {
        if (!GUID.matcher(subscriptionId).matches()) {
            throw new MalformedResourceIdException(id, "the subscription id '" + subscriptionId + "' is not a GUID");
        }
        if (!RESOURCE_GROUP.matcher(resourceGroup).matches()) {
            throw new MalformedResourceIdException(id, "the resource group name '" + resourceGroup
                    + "' is not 1-90 letters, digits, '_', '-', '.', '(' or ')' not ending in '.'");
        }
    }

    private static void expectKeyword(String id, String actual, String keyword, int position) {
        if (!actual.equalsIgnoreCase(keyword)) {
            throw new MalformedResourceIdException(id,
                    "segment " + position + " must be '" + keyword + "' but is '" + actual + "'");
        }
    }

    /** Builds the id of a top-level resource. */
    public static ArmResourceId of(String subscriptionId, String resourceGroup, String providerNamespace,
                                   String resourceType, String name) {
        return parse("/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup + "/providers/"
                + providerNamespace + "/" + resourceType + "/" + name);
    }

    /** Whether a text is a subscription id: a GUID. */
    public static boolean isSubscriptionId(String text) {
        return text != null && GUID.matcher(text).matches();
    }

    /** Whether a text follows Azure's rules for resource group names. */
    public static boolean isResourceGroupName(String text) {
        return text != null && RESOURCE_GROUP.matcher(text).matches();
    }

    /**
     * Whether two id texts name one resource, as Azure compares ids: without case (Compute answers with the resource
     * group in capitals whatever casing it was created with) and ignoring a trailing slash. Texts that are not ids
     * are compared without case; null names nothing.
     */
    public static boolean sameResource(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        try {
            return parse(a).equals(parse(b));
        } catch (MalformedResourceIdException e) {
            return a.equalsIgnoreCase(b);
        }
    }

    /** Whether this id is of the given provider namespace and type, compared as Azure does, without case. */
    public boolean isOfType(String providerNamespace, String resourceType) {
        return this.providerNamespace.equalsIgnoreCase(providerNamespace) && this.resourceType.equalsIgnoreCase(resourceType);
    }

    /** The id of this resource's resource group, {@code /subscriptions/{id}/resourceGroups/{name}}. */
    public String resourceGroupId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    public String providerNamespace() {
        return providerNamespace;
    }

    /** The resource type without namespace, child types joined by '/', e.g. {@code snapshots}. */
    public String resourceType() {
        return resourceType;
    }

    public String name() {
        return name;
    }

    /** The id in lower case: the form to compare, to key Kafka records and to use in allow-lists. */
    public String canonical() {
        return id.toLowerCase(Locale.ROOT);
    }

    @JsonValue
    @Override
    public String toString() {
        return id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArmResourceId that && canonical().equals(that.canonical());
    }

    @Override
    public int hashCode() {
        return Objects.hash(canonical());
    }
}
