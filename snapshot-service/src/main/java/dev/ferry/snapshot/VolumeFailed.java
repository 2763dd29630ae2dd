package dev.ferry.snapshot;

/** Why one volume of a run could not be snapshotted, in {@code step.failed} terms; the run's other volumes go on. */
final class VolumeFailed extends RuntimeException {

    private final String code;
    private final boolean retryable;

    VolumeFailed(String code, String message, boolean retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }

    /** The error code of the {@code step.failed} event, e.g. {@code SnapshotNotReady}. */
    String code() {
        return code;
    }

    /** Whether the same backup may succeed for this volume if it is tried again. */
    boolean retryable() {
        return retryable;
    }
}
