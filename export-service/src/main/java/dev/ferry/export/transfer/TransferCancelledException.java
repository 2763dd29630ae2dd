package dev.ferry.export.transfer;

/** A copy stopped because it was cancelled (e.g. on shutdown); a later attempt resumes it. */
public final class TransferCancelledException extends RuntimeException {

    public TransferCancelledException(String reason) {
        super("transfer cancelled" + (reason == null ? "" : ": " + reason));
    }
}
