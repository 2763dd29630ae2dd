package dev.ferry.export.transfer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Asks a running copy to stop: no new chunk starts, retry waits end early, and the copy ends with
 * {@link TransferCancelledException}. Chunks already written stay, so a later attempt resumes.
 */
public final class Cancellation {

    private final CountDownLatch cancelled = new CountDownLatch(1);
    private volatile String reason;

    public void cancel(String why) {
        reason = why;
        cancelled.countDown();
    }

    public boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    public void throwIfCancelled() {
        if (isCancelled()) {
            throw new TransferCancelledException(reason);
        }
    }

    /** Waits up to {@code delay}, or less if cancelled meanwhile; returns whether it was cancelled. */
    public boolean awaitCancellation(Duration delay) throws InterruptedException {
        return cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
