package dev.ferry.events.arm;

/** Thrown when a string is not a well-formed Azure resource id; the message says which part is wrong. */
public final class MalformedResourceIdException extends IllegalArgumentException {

    private final String reason;

    public MalformedResourceIdException(String id, String reason) {
        super("'" + id + "' is not an Azure resource id: " + reason);
        this.reason = reason;
    }

    /** What is wrong, without the id itself. */
    public String reason() {
        return reason;
    }
}
