package dev.ferry.support.step;

/** A step that will not be attempted or continued: the event or the state forbids it, and trying again will not help. */
public final class StepRefused extends RuntimeException {

    private final String code;

    public StepRefused(String code, String message) {
        super(message);
        this.code = code;
    }

    /** A machine-readable cause, e.g. {@code StagingAccountNotAllowed}. */
    public String code() {
        return code;
    }
}
