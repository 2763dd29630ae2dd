package dev.ferry.restore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestorePointRetentionPlanTest {

    private static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

    @Test
    void keepsTheNewestCompleteOnesWhateverTheOrder() {
        List<RestorePoint> group = List.of(point("b", 1, 1, 2), point("a", 1, 1, 1), point("d", 1, 1, 4), point("c", 1, 1, 3));
        assertThat(RestorePointRetentionPlan.doomed(group, 2, Duration.ofHours(24), NOW)).extracting(RestorePoint::id).containsExactly("b", "a");
    }

    @Test
    void zeroKeepsEverything() {
        List<RestorePoint> group = List.of(point("a", 1, 1, 1), point("b", 1, 1, 2));
        assertThat(RestorePointRetentionPlan.doomed(group, 0, Duration.ofHours(24), NOW)).isEmpty();
    }

    @Test
    void aPartialPointOlderThanTheNewestCompleteAndOldEnoughIsDeleted() {
        RestorePoint stale = point("stale", 1, 2, 1);
        RestorePoint complete = point("complete", 2, 2, 2);
        assertThat(RestorePointRetentionPlan.doomed(List.of(stale, complete), 5, Duration.ofHours(24), NOW)).containsExactly(stale);
    }

    @Test
    void aPartialPointThatMayStillCompleteIsKept() {
        RestorePoint running = point("running", 1, 2, 3);
        RestorePoint complete = point("complete", 2, 2, 2);
        // Newer than the newest complete one: its other volumes may still arrive.
        assertThat(RestorePointRetentionPlan.doomed(List.of(running, complete), 5, Duration.ofHours(24), NOW)).isEmpty();
        // Older, but younger than the maximum age.
        RestorePoint young = point("young", 1, 2, 1);
        assertThat(RestorePointRetentionPlan.doomed(List.of(young, complete), 5, Duration.ofDays(30), NOW)).isEmpty();
    }

    @Test
    void partialPointsDoNotCountAgainstKeep() {
        RestorePoint partialNewest = point("p", 1, 3, 5);
        List<RestorePoint> group = List.of(point("a", 1, 1, 1), point("b", 1, 1, 2), partialNewest);
        assertThat(RestorePointRetentionPlan.doomed(group, 2, Duration.ofHours(24), NOW)).isEmpty();
    }

    private static RestorePoint point(String id, int present, int count, int day) {
        return Entries.point(id, "nightly", present, count, T0.plus(Duration.ofDays(day - 1)));
    }
}
