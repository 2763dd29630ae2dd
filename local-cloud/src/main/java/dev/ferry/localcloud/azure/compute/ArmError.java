package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.localcloud.azure.Exchange;
import java.util.List;

/**
 * A request the fake refuses the way Azure does: an HTTP status, an ARM error code and a message, and where Azure
 * names them, the target of the error and the details under it.
 */
public final class ArmError extends RuntimeException {

    /** One entry of an error's {@code details}. */
    public record Detail(String code, String message) {
    }

    private final int status;
    private final String code;
    private final String target;
    private final List<Detail> details;

    public ArmError(int status, String code, String message) {
        this(status, code, message, null, List.of());
    }

    public ArmError(int status, String code, String message, String target, List<Detail> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.target = target;
        this.details = List.copyOf(details);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The error's {@code target}, e.g. {@code sku}; null when Azure names none. */
    public String target() {
        return target;
    }

    public List<Detail> details() {
        return details;
    }

    /** ARM's error body: {@code {"error": {"code", "message", "target"?, "details"?}}}. */
    public ObjectNode body() {
        ObjectNode root = Exchange.JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", getMessage());
        if (target != null) {
            error.put("target", target);
        }
        if (!details.isEmpty()) {
            ArrayNode array = error.putArray("details");
            details.forEach(d -> array.addObject().put("code", d.code()).put("message", d.message()));
        }
        return root;
    }

    static ArmError notFound(String type, String id) {
        return new ArmError(404, "ResourceNotFound", "The Resource '" + type + "' under resource id '" + id + "' was not found.");
    }

    static ArmError badRequest(String code, String message) {
        return new ArmError(400, code, message);
    }

    static ArmError conflict(String code, String message) {
        return new ArmError(409, code, message);
    }
}
