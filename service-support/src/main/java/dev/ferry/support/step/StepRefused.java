package dev.ferry.importer;

/** The import of one VHD will not be attempted or continued: the event or the state forbids it. */
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
