package dev.ferry.support.progress;

import java.time.Duration;
import java.time.Instant;

/**
 * How fast one volume's data moves, from its progress reports ({@code ferry.transfer.progressed}): the rate since the
 * data began to move, the time left at that rate, and the percent done. Not thread-safe: its owner guards it.
 */
public final class TransferPace {

    private Instant since;
    private long bytesAtStart;
    private Long bytesPerSecond;

    /** Takes a report of {@code done} bytes moved at {@code at}; the first report starts the clock. */
    public void report(long done, Instant at) {
        if (since == null) {
            since = at;
            bytesAtStart = done;
        } else if (at.isAfter(since) && done > bytesAtStart) {
            bytesPerSecond = (done - bytesAtStart) * 1000 / Duration.between(since, at).toMillis();
        }
    }

    /** Bytes a second since the data began to move; null before two reports apart in time and bytes. */
    public Long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Whole seconds left at the current rate, rounded up; null while the rate or the total is unknown. */
    public Long etaSeconds(long done, Long total) {
        if (total == null || bytesPerSecond == null || bytesPerSecond <= 0) {
            return null;
        }
        return (Math.max(0, total - done) + bytesPerSecond - 1) / bytesPerSecond;
    }

    /** {@code done} of {@code total} in whole percent (100 for an empty total); null when the total is unknown. */
    public static Integer percent(long done, Long total) {
        if (total == null) {
            return null;
        }
        return total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
    }
}
