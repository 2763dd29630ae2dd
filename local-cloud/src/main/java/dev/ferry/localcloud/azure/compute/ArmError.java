package dev.ferry.localcloud.azure.compute;

/** A request the fake refuses the way Azure does: an HTTP status, an ARM error code and a message. */
public final class ArmError extends RuntimeException {

    private final int status;
    private final String code;

    public ArmError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
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
