package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.localcloud.azure.Exchange;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request body read as Azure reads it, refusing what it cannot read with Azure's codes instead of failing: a body
 * that is not JSON, and ARM's own fields (location, tags, sku) of the wrong type, as Resource Manager's
 * {@code InvalidRequestContent}; a property of the wrong type as Compute's {@code InvalidRequestFormat} with an
 * {@code InvalidJson} detail naming its path; a linked resource id that is not one as {@code LinkedInvalidPropertyId}.
 * Like the Newtonsoft reader behind both, a number in quotes passes for a number and a scalar for a string.
 */
final class RequestBody {

    private final JsonNode root;

    private RequestBody(JsonNode root) {
        this.root = root;
    }

    /** Reads the request's body; an empty body is an empty object. */
    static RequestBody of(Exchange exchange) throws IOException {
        byte[] bytes = exchange.body();
        if (bytes.length == 0) {
            return new RequestBody(Exchange.JSON.createObjectNode());
        }
        JsonNode root;
        try {
            root = Exchange.JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNr() + ", position "
                    + e.getLocation().getColumnNr();
            throw unreadable(e.getOriginalMessage() + ". Path ''" + where + ".");
        }
        if (root == null || root.isMissingNode()) {
            return new RequestBody(Exchange.JSON.createObjectNode());
        }
        if (!root.isObject()) {
            throw unreadable("Unexpected token " + root.getNodeType() + " when reading the request body, an object. Path ''.");
        }
        return new RequestBody(root);
    }

    JsonNode root() {
        return root;
    }

    // ---- ARM's resource definition: read by Resource Manager before the request reaches Compute --------------------

    /** {@code location}, or null. */
    String location() {
        JsonNode value = present(root, "location");
        if (value != null && !value.isValueNode()) {
            throw unreadable("Unexpected token " + value.getNodeType() + " when reading a string. Path 'location'.");
        }
        return value == null ? null : value.asText();
    }

    /** {@code tags}: an object of strings, or empty. */
    Map<String, String> tags() {
        Map<String, String> tags = new HashMap<>();
        JsonNode node = present(root, "tags");
        if (node == null) {
            return tags;
        }
        if (!node.isObject()) {
            throw unreadable("Unexpected token " + node.getNodeType() + " when reading the tags, an object. Path 'tags'.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isValueNode()) {
                throw unreadable("Unexpected token " + entry.getValue().getNodeType() + " when reading a string. Path 'tags."
                        + entry.getKey() + "'.");
            }
            tags.put(entry.getKey(), entry.getValue().asText());
        }
        return tags;
    }

    /** {@code sku.name}, or null without a {@code sku}; a {@code sku} needs its {@code name}. */
    String skuName() {
        JsonNode sku = present(root, "sku");
        if (sku == null) {
            return null;
        }
        if (!sku.isObject()) {
            throw unreadable("Unexpected token " + sku.getNodeType() + " when reading the sku, an object. Path 'sku'.");
        }
        JsonNode name = present(sku, "name");
        if (name == null) {
            throw unreadable("Required property 'name' not found in 'sku'.");
        }
        if (!name.isValueNode()) {
            throw unreadable("Unexpected token " + name.getNodeType() + " when reading a string. Path 'sku.name'.");
        }
        return name.asText();
    }

    // ---- the resource provider's properties -----------------------------------------------------------------------

    /** An object property, or a missing node when absent, so that reads under it find nothing. */
    static JsonNode object(JsonNode parent, String field, String path) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        if (!value.isObject()) {
            throw mistyped("Unexpected token " + value.getNodeType() + " when reading an object. Path '" + path + "'.");
        }
        return value;
    }

    /** A string property, or null; a number or a boolean passes as its text. */
    static String string(JsonNode parent, String field, String path) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (!value.isValueNode()) {
            throw mistyped("Error reading string. Unexpected token: " + value.getNodeType() + ". Path '" + path + "'.");
        }
        return value.asText();
    }

    /** A whole-number property, or null; a string holding a whole number passes. */
    static Long integer(JsonNode parent, String field, String path) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isNumber()) {
            throw mistyped("Input string '" + value.asText() + "' is not a valid integer. Path '" + path + "'.");
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText().trim());
            } catch (NumberFormatException e) {
                throw mistyped("Could not convert string to integer: " + value.asText() + ". Path '" + path + "'.");
            }
        }
        throw mistyped("Error reading integer. Unexpected token: " + value.getNodeType() + ". Path '" + path + "'.");
    }

    /** A boolean property, or null; the strings {@code true} and {@code false} pass. */
    static Boolean bool(JsonNode parent, String field, String path) {
        JsonNode value = present(parent, field);
        if (value == null) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isTextual() && List.of("true", "false").contains(value.asText().trim().toLowerCase(Locale.ROOT))) {
            return Boolean.parseBoolean(value.asText().trim());
        }
        if (value.isTextual()) {
            throw mistyped("Could not convert string to boolean: " + value.asText() + ". Path '" + path + "'.");
        }
        throw mistyped("Error reading boolean. Unexpected token: " + value.getNodeType() + ". Path '" + path + "'.");
    }

    /**
     * A property naming another resource: null, or a fully qualified id, which Resource Manager checks before the
     * provider sees the request.
     */
    static String resourceId(JsonNode parent, String field, String path) {
        String id = string(parent, field, path);
        if (id != null && !id.regionMatches(true, 0, "/subscriptions/", 0, "/subscriptions/".length())
                && !id.regionMatches(true, 0, "/providers/", 0, "/providers/".length())) {
            throw new ArmError(400, "LinkedInvalidPropertyId", "Property id '" + id + "' at path '" + path + "' is invalid."
                    + " Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or"
                    + " '/providers/{resourceProviderNamespace}/'.");
        }
        return id;
    }

    /**
     * One of an enum's values, matched without case and answered in its own spelling, or null; another value is
     * Compute's 400 {@code InvalidParameter} naming the property.
     */
    static String oneOf(JsonNode parent, String field, String path, List<String> values) {
        String value = string(parent, field, path);
        if (value == null) {
            return null;
        }
        for (String known : values) {
            if (known.equalsIgnoreCase(value)) {
                return known;
            }
        }
        throw new ArmError(400, "InvalidParameter", "The value '" + value + "' of parameter '" + field
                + "' is not allowed. Allowed values are: " + String.join(", ", values) + ".", path, List.of());
    }

    private static JsonNode present(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static ArmError unreadable(String problem) {
        return new ArmError(400, "InvalidRequestContent",
                "The request content was invalid and could not be deserialized: '" + problem + "'.");
    }

    private static ArmError mistyped(String problem) {
        return new ArmError(400, "InvalidRequestFormat", "Cannot parse the request.", null,
                List.of(new ArmError.Detail("InvalidJson", problem)));
    }
}
