package dev.ferry.export.transfer;

import dev.ferry.export.StorageCallFailed;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * How a chunk is retried: only transient failures (429, 5xx, timeouts), at most {@code maxAttempts}
 * attempts, waiting an exponential backoff with jitter from {@code initialBackoff} up to
 * {@code maxBackoff}, or longer when the service's Retry-After asks for more.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** 6 attempts, 500 ms doubling to 30 s: rides out Azure storage's typical throttling bursts. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initial <= max");
        }
    }

    /** Whether a failure after {@code attempt} attempts (1 for the first) deserves another. */
    public boolean retries(StorageCallFailed failure, int attempt) {
        return failure.isTransient() && attempt < maxAttempts;
    }

    /** The wait before attempt {@code attempt + 1}: the backoff (with up to 50% jitter) or Retry-After, whichever is longer. */
    public Duration delayAfter(StorageCallFailed failure, int attempt) {
        long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, maxBackoff.toMillis());
        long jittered = capped / 2 + (capped <= 1 ? 0 : ThreadLocalRandom.current().nextLong(capped / 2 + 1));
        Duration backoff = Duration.ofMillis(jittered);
        Duration asked = failure.retryAfter().orElse(Duration.ZERO);
        return asked.compareTo(backoff) > 0 ? asked : backoff;
    }

    /**
     * Makes a storage call, retrying transient failures after {@link #delayAfter}; {@code onRetry}
     * hears of each retry. A cancellation ends the waits early.
     *
     * @throws StorageCallFailed          the last failure, once it is not transient or the attempts are used up
     * @throws TransferCancelledException cancelled before or between attempts
     */
    public <T> T call(Supplier<T> call, Cancellation cancellation, Runnable onRetry) {
        return attempts(1, call, cancellation, onRetry);
    }

    /**
     * Goes on with a call whose first attempt was made elsewhere and failed with {@code firstFailure}:
     * as {@link #call}, counting that attempt, so the next one waits {@link #delayAfter} it.
     *
     * @throws StorageCallFailed {@code firstFailure} when it deserves no other attempt, or the last failure
     */
    public <T> T retryAfter(StorageCallFailed firstFailure, Supplier<T> call, Cancellation cancellation, Runnable onRetry) {
        if (!retries(firstFailure, 1)) {
            throw firstFailure;
        }
        onRetry.run();
        awaitBackoff(firstFailure, 1, cancellation);
        return attempts(2, call, cancellation, onRetry);
    }

    private <T> T attempts(int first, Supplier<T> call, Cancellation cancellation, Runnable onRetry) {
        for (int attempt = first; ; attempt++) {
            cancellation.throwIfCancelled();
            try {
                return call.get();
            } catch (StorageCallFailed failure) {
                if (!retries(failure, attempt)) {
                    throw failure;
                }
                onRetry.run();
                awaitBackoff(failure, attempt, cancellation);
            }
        }
    }

    private void awaitBackoff(StorageCallFailed failure, int attempt, Cancellation cancellation) {
        try {
            cancellation.awaitCancellation(delayAfter(failure, attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferCancelledException("interrupted");
        }
    }
}
