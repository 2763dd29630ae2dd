package dev.ferry.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.snapshot.config.SnapshotConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Seven snapshots of a disk in five minutes, counted from when each was taken, and how long the eighth waits. */
class SnapshotRateLimitTest {

    private static final Instant NOW = Instant.parse("2026-03-01T02:10:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** The limit as the service runs it by default. */
    private final SnapshotRateLimit limit = SnapshotRateLimit.of(SnapshotConfigs.of(Map.of()).snapshot().rateLimit(), CLOCK);

    @Test
    void theDefaultsAreAzuresSevenSnapshotsPerDiskInFiveMinutes() {
        SnapshotConfig.RateLimit config = SnapshotConfigs.of(Map.of()).snapshot().rateLimit();

        assertThat(config.maxSnapshots()).isEqualTo(7);
        assertThat(config.window()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aDiskWithoutRecentSnapshotsMaySnapshotNow() {
        SnapshotRateLimit.Verdict verdict = limit.next(List.of());

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.inWindow()).isZero();
        assertThat(verdict.allowedAt()).isEqualTo(NOW);
        assertThat(verdict.retryAfter()).isZero();
    }

    @Test
    void sixSnapshotsInTheWindowLeaveRoomForASeventh() {
        SnapshotRateLimit.Verdict verdict = limit.next(secondsAgo(240, 200, 150, 100, 50, 10));

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.inWindow()).isEqualTo(6);
    }

    @Test
    void sevenSnapshotsInTheWindowMakeTheEighthWaitUntilTheOldestLeavesIt() {
        SnapshotRateLimit.Verdict verdict = limit.next(secondsAgo(10, 240, 200, 150, 100, 50, 20));

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.inWindow()).isEqualTo(7);
        // The oldest was taken 240 s ago and counts for 300 s: 60 s to go.
        assertThat(verdict.allowedAt()).isEqualTo(NOW.plusSeconds(60));
        assertThat(verdict.retryAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void atTheRetryAfterTheEighthIsAllowed() {
        List<Instant> taken = secondsAgo(240, 200, 150, 100, 50, 20, 10);
        SnapshotRateLimit.Verdict refused = limit.next(taken);

        SnapshotRateLimit later = SnapshotRateLimit.of(SnapshotConfigs.of(Map.of()).snapshot().rateLimit(),
                Clock.offset(CLOCK, refused.retryAfter()));

        assertThat(later.next(taken).allowed()).isTrue();
        assertThat(later.next(taken).inWindow()).isEqualTo(6);
    }

    @Test
    void aSnapshotExactlyAWindowOldNoLongerCounts() {
        SnapshotRateLimit.Verdict verdict = limit.next(secondsAgo(300, 200, 150, 100, 50, 20, 10));

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.inWindow()).isEqualTo(6);
    }

    @Test
    void snapshotsOlderThanTheWindowDoNotCount() {
        List<Instant> taken = new ArrayList<>(secondsAgo(3600, 1800, 900, 301));
        taken.addAll(secondsAgo(120, 60));

        assertThat(limit.next(taken).inWindow()).isEqualTo(2);
        assertThat(limit.next(taken).allowed()).isTrue();
    }

    @Test
    void moreSnapshotsThanTheLimitWaitUntilEnoughOfThemHaveLeft() {
        // Nine in the window (some made outside Ferry): one more fits once three have left, i.e. when the third oldest leaves.
        SnapshotRateLimit.Verdict verdict = limit.next(secondsAgo(290, 280, 270, 200, 150, 100, 50, 20, 10));

        assertThat(verdict.inWindow()).isEqualTo(9);
        assertThat(verdict.allowedAt()).isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void theRetryAfterIsInWholeSecondsRoundedUp() {
        List<Instant> taken = new ArrayList<>(secondsAgo(200, 150, 100, 50, 20, 10));
        taken.add(NOW.minusMillis(239_400));

        SnapshotRateLimit.Verdict verdict = limit.next(taken);

        assertThat(verdict.allowedAt()).isEqualTo(NOW.plusMillis(60_600));
        assertThat(verdict.retryAfter()).isEqualTo(Duration.ofSeconds(61));
    }

    @Test
    void aRefusalAlwaysWaitsAtLeastOneSecond() {
        List<Instant> taken = new ArrayList<>(secondsAgo(200, 150, 100, 50, 20, 10));
        taken.add(NOW.minusMillis(299_999));

        assertThat(limit.next(taken).retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aSnapshotWhoseTimeIsNotKnownYetCountsAsTakenNow() {
        List<Instant> taken = new ArrayList<>(secondsAgo(250, 200, 150, 100, 50, 20));
        taken.add(null);

        SnapshotRateLimit.Verdict verdict = limit.next(taken);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.retryAfter()).isEqualTo(Duration.ofSeconds(50));
    }

    @Test
    void aSmallerConfiguredLimitAndWindowAreKept() {
        SnapshotRateLimit small = SnapshotRateLimit.of(SnapshotConfigs.of(Map.of("ferry.snapshot.rate-limit.max-snapshots", "2",
                "ferry.snapshot.rate-limit.window", "30s")).snapshot().rateLimit(), CLOCK);

        assertThat(small.next(secondsAgo(31, 20)).allowed()).isTrue();
        assertThat(small.next(secondsAgo(25, 20)).retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aLimitBelowOneOrAWindowThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new SnapshotRateLimit(0, Duration.ofMinutes(5), CLOCK)).hasMessageContaining("max-snapshots");
        assertThatThrownBy(() -> new SnapshotRateLimit(7, Duration.ZERO, CLOCK)).hasMessageContaining("window");
    }

    private static List<Instant> secondsAgo(long... seconds) {
        return Arrays.stream(seconds).mapToObj(NOW::minusSeconds).toList();
    }
}
