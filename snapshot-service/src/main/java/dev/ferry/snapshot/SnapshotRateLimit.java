package dev.ferry.snapshot;

import dev.ferry.snapshot.config.SnapshotConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Azure's limit on how often one disk may be snapshotted (seven incremental snapshots per disk every
 * five minutes), kept before a VolumeSnapshot is created rather than met as a failure in Azure. Pure:
 * from when a PVC's snapshots were taken it says whether one more may be taken now and, if not, when.
 */
public final class SnapshotRateLimit {

    /**
     * What the limit says about one more snapshot of a disk.
     *
     * @param inWindow   how many of the disk's snapshots count against the limit now
     * @param allowedAt  when one more is allowed: now, or when enough of those have left the window
     * @param retryAfter how long until then, in whole seconds rounded up (at least 1 s when not allowed now)
     */
    public record Verdict(int inWindow, Instant allowedAt, Duration retryAfter) {

        public boolean allowed() {
            return retryAfter.isZero();
        }
    }

    private final int maxSnapshots;
    private final Duration window;
    private final Clock clock;

    /**
     * @throws IllegalArgumentException if {@code maxSnapshots} is below 1 or the window is not positive
     */
    public SnapshotRateLimit(int maxSnapshots, Duration window, Clock clock) {
        if (maxSnapshots < 1) {
            throw new IllegalArgumentException("ferry.snapshot.rate-limit.max-snapshots must be at least 1, not " + maxSnapshots);
        }
        if (window == null || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("ferry.snapshot.rate-limit.window must be positive, not " + window);
        }
        this.maxSnapshots = maxSnapshots;
        this.window = window;
        this.clock = clock;
    }

    /** The limit of the configuration. */
    public static SnapshotRateLimit of(SnapshotConfig.RateLimit config, Clock clock) {
        return new SnapshotRateLimit(config.maxSnapshots(), config.window(), clock);
    }

    public int maxSnapshots() {
        return maxSnapshots;
    }

    public Duration window() {
        return window;
    }

    /**
     * Whether one more snapshot of a disk may be taken now.
     *
     * @param taken when each earlier snapshot of the disk was taken, in any order; a snapshot taken at
     *              {@code t} counts until {@code t + window}; a null (a time not known yet) counts as now
     */
    public Verdict next(Collection<Instant> taken) {
        Instant now = clock.instant();
        List<Instant> inWindow = taken.stream()
                .map(t -> t == null ? now : t)
                .filter(t -> t.plus(window).isAfter(now))
                .sorted()
                .toList();
        if (inWindow.size() < maxSnapshots) {
            return new Verdict(inWindow.size(), now, Duration.ZERO);
        }
        // One more fits once at most maxSnapshots - 1 remain: when the (size - maxSnapshots + 1)th oldest leaves.
        // With exactly maxSnapshots in the window, that is the oldest.
        Instant allowedAt = inWindow.get(inWindow.size() - maxSnapshots).plus(window);
        return new Verdict(inWindow.size(), allowedAt, wholeSecondsUp(Duration.between(now, allowedAt)));
    }

    private static Duration wholeSecondsUp(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }
}
