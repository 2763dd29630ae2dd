package dev.ferry.localcloud.azure.compute;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The incremental snapshots taken of each disk within a sliding window, against Azure's limit of seven per disk
 * every five minutes: one more is refused until the oldest in the window falls out of it.
 */
final class DiskSnapshotRate {

    /** Azure's limit: this many incremental snapshots of one disk ... */
    static final int COUNT = 7;
    /** ... within this time. */
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final Map<String, Deque<Instant>> taken = new HashMap<>();
    private int count = COUNT;
    private Duration window = WINDOW;

    /** Sets the limit; snapshots already taken count against the new one. */
    synchronized void limit(int count, Duration window) {
        if (count <= 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the snapshot limit needs a positive count and window, not " + count
                    + " per " + window);
        }
        this.count = count;
        this.window = window;
    }

    /** Counts an incremental snapshot of {@code disk} taken at {@code now}, or refuses it as Azure would. */
    synchronized void take(Disk disk, Instant now) {
        Deque<Instant> times = taken.computeIfAbsent(disk.uniqueId(), id -> new ArrayDeque<>());
        while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(window))) {
            times.removeFirst();
        }
        if (times.size() >= count) {
            throw ArmError.conflict("OperationNotAllowed", "Disk '" + disk.key().name() + "' already has " + times.size()
                    + " incremental snapshots taken within " + window + "; at most " + count
                    + " may be taken of one disk in that time. The next one is allowed after "
                    + times.peekFirst().plus(window) + ".");
        }
        times.addLast(now);
    }
}
