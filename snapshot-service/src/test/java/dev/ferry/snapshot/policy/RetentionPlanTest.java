package dev.ferry.snapshot.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.snapshot.policy.RetentionPlan.Entry;
import dev.ferry.snapshot.policy.RetentionPlan.Readiness;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetentionPlanTest {

    private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");

    @Test
    void keepsTheNewestAndDeletesTheOlderOnesWhoseExportsAreDone() {
        List<Entry> history = List.of(done("a", 1), done("b", 2), done("c", 3), done("d", 4));
        RetentionPlan plan = RetentionPlan.plan(history, "nightly", 2);
        assertThat(plan.keep()).containsExactly("d", "c");
        assertThat(plan.delete()).containsExactly("b", "a");
        assertThat(plan.protect()).isEmpty();
    }

    @Test
    void theBaseOfTheNewestSnapshotsRunningExportStays() {
        List<Entry> history = List.of(done("a", 1), done("b", 2), done("c", 3), running("d", 4, "c"));
        RetentionPlan plan = RetentionPlan.plan(history, "nightly", 1);
        assertThat(plan.keep()).containsExactly("d");
        assertThat(plan.delete()).containsExactly("b", "a");
        assertThat(plan.protect()).containsOnlyKeys("c");
        assertThat(plan.protect().get("c")).contains("base of the running export of d");
    }

    @Test
    void aRecordedBaseIsKeptEvenWhenItIsNotTheNewestEarlierSnapshot() {
        // d's export is incremental from b (c was of another disk family): b stays, c goes.
        List<Entry> history = List.of(done("a", 1), done("b", 2), done("c", 3), running("d", 4, "b"));
        RetentionPlan plan = RetentionPlan.plan(history, "nightly", 1);
        assertThat(plan.delete()).containsExactly("c", "a");
        assertThat(plan.protect()).containsOnlyKeys("b");
    }

    @Test
    void withoutARecordedBaseTheNewestEarlierReadySnapshotIsAssumed() {
        List<Entry> history = List.of(done("a", 1), failed("b", 2), done("c", 3), running("d", 4, null));
        RetentionPlan plan = RetentionPlan.plan(history, "nightly", 1);
        assertThat(plan.protect()).containsOnlyKeys("c");
        assertThat(plan.delete()).containsExactly("b", "a");
    }

    @Test
    void anOlderSnapshotWhoseOwnExportStillRunsStays() {
        List<Entry> history = List.of(done("a", 1), running("b", 2, "a"), done("c", 3), done("d", 4));
        RetentionPlan plan = RetentionPlan.plan(history, "nightly", 1);
        assertThat(plan.keep()).containsExactly("d");
        assertThat(plan.protect()).containsOnlyKeys("b", "a");
        assertThat(plan.delete()).containsExactly("c");
    }

    @Test
    void otherPoliciesSnapshotsAndSnapshotsInProgressAreNeverDeletedButCanBeProtectedBases() {
        Entry manual = new Entry("m", "manual", T0.plusSeconds(3), Readiness.READY, false, null);
        Entry hourly = new Entry("h", "hourly", T0.plusSeconds(5), Readiness.READY, false, null);
        Entry inProgress = new Entry("p", "nightly", T0.plusSeconds(1), Readiness.IN_PROGRESS, false, null);
        List<Entry> history = List.of(inProgress, done("a", 2), manual, running("d", 4, "m"), hourly);
        RetentionPlan plan = RetentionPlan.plan(history, "nightly", 1);
        assertThat(plan.keep()).containsExactly("d");
        assertThat(plan.delete()).containsExactly("a");
        assertThat(plan.protect()).isEmpty();
    }

    @Test
    void failedSnapshotsCountNotTowardsKeepAndGoOnceOlderThanTheKeptOnes() {
        List<Entry> history = List.of(failed("x", 1), done("a", 2), done("b", 3), failed("y", 4));
        RetentionPlan plan = RetentionPlan.plan(history, "nightly", 1);
        assertThat(plan.keep()).containsExactly("b");
        assertThat(plan.delete()).containsExactly("a", "x");
    }

    @Test
    void theNextIncrementalBaseIsThePvcsNewestReadySnapshotWhicheverPolicyOrManualBackupMadeIt() {
        Entry manual = new Entry("m", "shop/manual", T0.plusSeconds(3), Readiness.READY, false, null);
        Entry inProgress = new Entry("p", "nightly", T0.plusSeconds(5), Readiness.IN_PROGRESS, false, null);
        List<Entry> history = List.of(done("a", 1), done("b", 2), manual, failed("y", 4), inProgress);

        assertThat(RetentionPlan.nextIncrementalBase(history)).contains("m");
        assertThat(RetentionPlan.nextIncrementalBase(List.of(failed("x", 1)))).isEmpty();
        RetentionPlan plan = RetentionPlan.plan(history, "nightly", 1);
        assertThat(plan.keep()).containsExactly("b");
        assertThat(plan.delete()).containsExactly("a").doesNotContain("m");
    }

    @Test
    void thePvcsNewestReadySnapshotIsNeverDeletedWhateverTheHistoryAndKeep() {
        Random random = new Random(20260301);
        List<String> policies = List.of("nightly", "hourly", "shop/manual");
        List<Readiness> readiness = List.of(Readiness.READY, Readiness.READY, Readiness.FAILED, Readiness.IN_PROGRESS);
        for (int round = 0; round < 5_000; round++) {
            List<Entry> history = new ArrayList<>();
            int size = 1 + random.nextInt(8);
            for (int i = 0; i < size; i++) {
                String previous = i > 0 && random.nextBoolean() ? "s" + random.nextInt(i) : null;
                history.add(new Entry("s" + i, policies.get(random.nextInt(policies.size())), T0.plusSeconds(random.nextInt(6)),
                        readiness.get(random.nextInt(readiness.size())), random.nextInt(4) == 0, previous));
            }
            int keep = 1 + random.nextInt(3);

            RetentionPlan plan = RetentionPlan.plan(history, "nightly", keep);

            Optional<String> next = RetentionPlan.nextIncrementalBase(history);
            next.ifPresent(name -> assertThat(plan.delete()).as("history %s, keep %d", history, keep).doesNotContain(name));
            assertThat(plan.delete()).as("history %s", history)
                    .allSatisfy(name -> assertThat(history).filteredOn(e -> e.name().equals(name))
                            .allSatisfy(e -> assertThat(e.policy()).isEqualTo("nightly")));
        }
    }

    @Test
    void keepMustBePositive() {
        assertThatThrownBy(() -> RetentionPlan.plan(List.of(), "nightly", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Entry done(String name, int second) {
        return new Entry(name, "nightly", T0.plusSeconds(second), Readiness.READY, false, null);
    }

    private static Entry failed(String name, int second) {
        return new Entry(name, "nightly", T0.plusSeconds(second), Readiness.FAILED, false, null);
    }

    private static Entry running(String name, int second, String previous) {
        return new Entry(name, "nightly", T0.plusSeconds(second), Readiness.READY, true, previous);
    }
}
