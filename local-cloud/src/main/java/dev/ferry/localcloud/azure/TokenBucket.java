package dev.ferry.localcloud.azure;

import java.time.Duration;

/**
 * A token bucket as Azure's throttling documents it: it holds at most {@code size} tokens, each request takes one,
 * and whole tokens come back at an even rate, {@code size} of them over {@code refill}, never beyond the size.
 * Time is the caller's monotonic nanoseconds, so that a test can drive it.
 */
public final class TokenBucket {

    /** What one request got: whether it was let through, the tokens left after it, and when the next token comes. */
    public record Take(boolean granted, int remaining, Duration untilNextToken) {
    }

    private final int size;
    private final long nanosPerToken;
    private int tokens;
    private long lastRefill;

    /** A full bucket at {@code nowNanos}. */
    public TokenBucket(int size, Duration refill, long nowNanos) {
        if (size <= 0 || refill.isNegative() || refill.isZero()) {
            throw new IllegalArgumentException("a token bucket needs a positive size and refill time, not " + size
                    + " over " + refill);
        }
        this.size = size;
        this.nanosPerToken = Math.max(1, refill.toNanos() / size);
        this.tokens = size;
        this.lastRefill = nowNanos;
    }

    /** Takes a token for one request at {@code nowNanos}, if there is one. */
    public synchronized Take take(long nowNanos) {
        refill(nowNanos);
        boolean granted = tokens > 0;
        if (granted) {
            tokens--;
        }
        Duration untilNext = tokens >= size ? Duration.ZERO : Duration.ofNanos(lastRefill + nanosPerToken - nowNanos);
        return new Take(granted, tokens, untilNext);
    }

    private void refill(long nowNanos) {
        if (tokens >= size) {
            lastRefill = nowNanos;
            return;
        }
        long earned = (nowNanos - lastRefill) / nanosPerToken;
        if (earned <= 0) {
            return;
        }
        if (earned >= size - tokens) {
            tokens = size;
            lastRefill = nowNanos;
        } else {
            tokens += (int) earned;
            lastRefill += earned * nanosPerToken;
        }
    }
}
