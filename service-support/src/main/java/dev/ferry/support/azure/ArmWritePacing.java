package dev.ferry.support.azure;

import java.time.Duration;

/**
 * When the next ARM write may go, from what Resource Manager says is left of the subscription's
 * write budget ({@code x-ms-ratelimit-remaining-subscription-writes}): at or above the low-water
 * mark writes go at once; below it they are spaced further apart the less is left, up to
 * {@code maxSpacing} when nothing is left, so that Ferry slows down before Azure answers 429.
 * Framework-free and thread-safe; time is given in nanoseconds by the caller.
 */
public final class ArmWritePacing {

    private final int lowWater;
    private final long maxSpacingNanos;
    private long remaining = Long.MAX_VALUE;
    private long lastWriteAt = Long.MIN_VALUE;

    /**
     * @param lowWater   the remaining writes below which writes are spaced out; 0 turns pacing off
     * @param maxSpacing the spacing when no write is left
     */
    public ArmWritePacing(int lowWater, Duration maxSpacing) {
        this.lowWater = lowWater;
        this.maxSpacingNanos = maxSpacing.toNanos();
    }

    /** Records what an answer said was left; answers without the header say nothing. */
    public synchronized void remaining(long writes) {
        remaining = writes;
    }

    /** The spacing between two writes for what is left now. */
    public synchronized Duration spacing() {
        if (lowWater <= 0 || remaining >= lowWater) {
            return Duration.ZERO;
        }
        long left = Math.max(0, remaining);
        return Duration.ofNanos(maxSpacingNanos * (lowWater - left) / lowWater);
    }

    /**
     * Takes the next write's turn: returns how long the caller waits before sending it (zero when it may go now),
     * and counts the write as sent at that moment, so that concurrent writers queue behind one another.
     */
    public synchronized Duration reserve(long nowNanos) {
        long spacing = spacing().toNanos();
        long at = lastWriteAt == Long.MIN_VALUE ? nowNanos : Math.max(nowNanos, lastWriteAt + spacing);
        lastWriteAt = at;
        return Duration.ofNanos(at - nowNanos);
    }
}
