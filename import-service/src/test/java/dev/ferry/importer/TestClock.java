package dev.ferry.importer;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service's clock in the tests: the system clock, unless a test stops it at an instant (the
 * Blob SDK cannot set a blob's Last-Modified, so a test moves "now" instead). Replaces
 * {@code SystemClock}'s bean.
 */
@Alternative
@Priority(1)
@Singleton
public class TestClock extends Clock {

    private volatile Instant stoppedAt;

    /** From now on the clock reads {@code instant}, until {@link #resume()}. */
    public void stopAt(Instant instant) {
        stoppedAt = instant;
    }

    /** The clock reads the system clock again. */
    public void resume() {
        stoppedAt = null;
    }

    @Override
    public Instant instant() {
        Instant stopped = stoppedAt;
        return stopped != null ? stopped : Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the service's clock is in UTC");
    }
}
