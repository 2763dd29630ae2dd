package dev.ferry.export.copystart;

import dev.ferry.support.time.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.RegionSnapshotTags;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.export.copystart.RegionCopies.StartCopy;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.step.StepRefused;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The queue's rules over a region's snapshots kept in memory: Azure's limits kept, order per disk, refusals that mean "wait". */
class CopyQueueTest {

    private static final ResourceGroupId DR = ResourceGroupId.parse("/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/ferry-dr-westus");
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private final Region region = new Region();
    private final SettableClock clock = new SettableClock(T0);

    @Test
    void startsNoMoreThanTheRegionLimitAndTheNextWhenOneFinishes() {
        CopyQueue queue = new CopyQueue(region, 2, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        CopyQueue.Job a = queue.enqueue(job("a", "family-a", 1));
        CopyQueue.Job b = queue.enqueue(job("b", "family-b", 2));
        CopyQueue.Job c = queue.enqueue(job("c", "family-c", 3));

        queue.tick();

        assertThat(region.started).containsExactly("a", "b");
        assertThat(queue.waitingCount()).isEqualTo(1);
        assertThat(waits.get("c")).containsExactly(TransferProgressed.WAITING_FOR_REGION_LIMIT);
        queue.tick();
        assertThat(waits.get("c")).as("told once, not every tick").hasSize(1);
        region.finish("a");
        queue.tick();
        assertThat(a.done()).isCompleted();
        assertThat(region.started).containsExactly("a", "b", "c");
        assertThat(b.done()).isNotDone();
        assertThat(c.done()).isNotDone();
    }

    @Test
    void copiesOfOneDiskRunOneAtATimeInTheOrderTheSnapshotsWereTaken() {
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        // Enqueued out of order: the later snapshot's record was read first.
        queue.enqueue(job("second", "disk-1", 20));
        queue.enqueue(job("first", "disk-1", 10));

        queue.tick();
        assertThat(region.started).containsExactly("first");
        assertThat(waits.get("second")).containsExactly(TransferProgressed.WAITING_FOR_EARLIER_COPY);
        assertThat(waits.get("first")).isNull();
        queue.tick();
        assertThat(region.started).as("the disk's copy is still running").containsExactly("first");
        region.finish("first");
        queue.tick();
        assertThat(region.started).containsExactly("first", "second");
    }

    @Test
    void aCopyOfTheSameDiskRunningForAnotherReplicaHoldsBackThisOne() {
        region.running("other-replicas-copy", "disk-2");
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        queue.enqueue(job("mine", "disk-2", 1));

        queue.tick();
        assertThat(region.started).isEmpty();
        region.finish("other-replicas-copy");
        queue.tick();
        assertThat(region.started).containsExactly("mine");
    }

    @Test
    void azureSayingTheRegionIsFullMakesTheCopyWaitNotFail() {
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        region.refusals.add(new AzureCallFailed("OperationNotAllowed", 409, "Subscription already has 100 copies in progress", null));
        region.refusals.add(new AzureCallFailed("OperationNotAllowed", 409, "the same again, for the second copy", null));
        CopyQueue.Job job = queue.enqueue(job("a", "family-a", 1));
        queue.enqueue(job("b", "family-b", 2));

        queue.tick();
        assertThat(job.done()).isNotDone();
        assertThat(queue.waitingCount()).isEqualTo(2);
        assertThat(region.refusals).as("after one refusal no other copy into the region is tried in the same tick").hasSize(1);
        assertThat(waits.get("a")).containsExactly(TransferProgressed.WAITING_FOR_REGION_LIMIT);
        assertThat(waits.get("b")).containsExactly(TransferProgressed.WAITING_FOR_REGION_LIMIT);
        region.refusals.clear();
        queue.tick();
        assertThat(region.started).containsExactly("a", "b");
    }

    @Test
    void azureThrottlingMakesTheCopyWaitAndSaySo() {
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        region.refusals.add(new AzureCallFailed("SubscriptionRequestsThrottled", 429, "Number of write requests exceeded", null));
        CopyQueue.Job job = queue.enqueue(job("a", "family-a", 1));

        queue.tick();
        assertThat(job.done()).isNotDone();
        assertThat(waits.get("a")).containsExactly(TransferProgressed.WAITING_FOR_THROTTLING);
        queue.tick();

        assertThat(region.started).containsExactly("a");
    }

    @Test
    void aSnapshotOfTheNameThatBelongsToAnotherBackupFailsTheCopyWithoutAStart() {
        region.owners.put("taken", Map.of(RegionSnapshotTags.BACKUP_ID, "someone-else", RegionSnapshotTags.PVC_UID, "disk-5"));
        region.running("taken", "disk-5");
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        CopyQueue.Job job = queue.enqueue(job("taken", "disk-5", 1));

        queue.tick();

        assertThat(failure(job)).isInstanceOf(StepRefused.class)
                .satisfies(e -> assertThat(((StepRefused) e).code()).isEqualTo("SnapshotNameTaken"));
        assertThat(region.started).isEmpty();
    }

    @Test
    void aSourceAzureDoesNotFindFailsAsCopySourceNotFound() {
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        region.refusals.add(new AzureCallFailed("ResourceNotFound", 404, "The Resource 'Microsoft.Compute/snapshots/src-a' was not found", null));
        CopyQueue.Job job = queue.enqueue(job("a", "family-a", 1));

        queue.tick();

        assertThat(failure(job)).isInstanceOf(StepRefused.class)
                .satisfies(e -> assertThat(((StepRefused) e).code()).isEqualTo("CopySourceNotFound"));
    }

    @Test
    void aRefusalThatNoWaitCuresFailsTheCopy() {
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        region.refusals.add(new AzureCallFailed("BadRequest", 400, "CopyStart is supported only for incremental snapshots", null));
        CopyQueue.Job job = queue.enqueue(job("a", "family-a", 1));

        queue.tick();

        assertThat(job.done()).isCompletedExceptionally();
        assertThat(failure(job)).isInstanceOf(AzureCallFailed.class).hasMessageContaining("incremental");
        assertThat(queue.waitingCount()).isZero();
    }

    @Test
    void aCopyAzureFailedIsDeletedAndFailsWithAzuresCode() {
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        CopyQueue.Job job = queue.enqueue(job("a", "family-a", 1));
        queue.tick();
        region.fail("a", "CopySourceNotFound");

        queue.tick();

        assertThat(failure(job)).isInstanceOf(StepRefused.class).satisfies(e -> assertThat(((StepRefused) e).code()).isEqualTo("CopySourceNotFound"));
        assertThat(region.snapshots).doesNotContainKey("a");
        assertThat(queue.runningCount()).isZero();
    }

    @Test
    void aCopyThatWaitsLongerThanItsLimitFailsAsWorthAnotherAttempt() {
        region.running("blocker", "disk-3");
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofMinutes(30), Duration.ofSeconds(5), clock);
        CopyQueue.Job job = queue.enqueue(job("a", "disk-3", 1));
        queue.tick();
        clock.advance(Duration.ofMinutes(31));

        queue.tick();

        assertThat(failure(job)).isInstanceOf(AzureCallFailed.class)
                .satisfies(e -> assertThat(((AzureCallFailed) e).retryable()).isTrue());
    }

    @Test
    void aCopyAzureListsUnderItsNameIsFollowedNotStartedAndItsProgressReportedWhenItChanges() {
        region.running("found", "disk-4");
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        List<Double> heard = new ArrayList<>();
        CopyQueue.Job job = queue.enqueue(new CopyQueue.Job(request("found", "disk-4"), null, T0, clock.instant(), new CopyQueue.Progress() {
            @Override
            public void copying(double percent) {
                heard.add(percent);
            }

            @Override
            public void waiting(String reason) {
                throw new AssertionError("a copy under way does not wait");
            }
        }));

        queue.tick();
        region.progress("found", 40);
        queue.tick();
        queue.tick();
        region.finish("found");
        queue.tick();

        assertThat(heard).containsExactly(0.0, 40.0, 100.0);
        assertThat(job.done()).isCompleted();
        assertThat(region.started).isEmpty();
    }

    @Test
    void aFinishedCopyOfThePreviousSnapshotCountsWhateverCasingAzureWritesItsSourceIn() {
        String sub = "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11";
        region.snapshots.put("prev", new RegionCopy(ArmResourceId.parse(sub + "/resourceGroups/FERRY-DR-WESTUS/providers/Microsoft.Compute/snapshots/prev"),
                "westus", "CopyStart", sub + "/resourceGroups/MC_SRC/providers/Microsoft.Compute/snapshots/src-prev", 100, "Succeeded",
                null, null, 1L << 30, tags("prev", "disk-5"), T0));
        CopyQueue queue = new CopyQueue(region, 100, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        familyOfJob.put("now", "disk-5");
        CopyQueue.Job job = queue.enqueue(new CopyQueue.Job(request("now", "disk-5"),
                ArmResourceId.parse(sub + "/resourceGroups/mc_src/providers/Microsoft.Compute/snapshots/src-prev"), T0, clock.instant(),
                new CopyQueue.Progress() {
                    @Override
                    public void copying(double percent) {
                    }

                    @Override
                    public void waiting(String reason) {
                    }
                }));

        queue.tick();
        region.finish("now");
        queue.tick();

        assertThat(job.done().join().previousCopied()).isTrue();
    }

    @Test
    void aCopyInProgressCountsAgainstItsRegionWhicheverNameAzureGivesIt() {
        region.snapshots.put("other", new RegionCopy(ArmResourceId.parse("/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/"
                + "FERRY-DR-WESTUS/providers/Microsoft.Compute/snapshots/other"), "West US", "CopyStart", null, 10, "Succeeded",
                null, null, 1L << 30, tags("other", "disk-9"), T0));
        CopyQueue queue = new CopyQueue(region, 1, Duration.ofHours(1), Duration.ofSeconds(5), clock);
        queue.enqueue(job("a", "disk-1", 1));

        queue.tick();

        assertThat(region.started).isEmpty();
        assertThat(waits.get("a")).containsExactly(TransferProgressed.WAITING_FOR_REGION_LIMIT);
    }

    // ---- a region in memory --------------------------------------------------------------------

    private CopyQueue.Job job(String name, String family, int takenSecond) {
        familyOfJob.put(name, family);
        return new CopyQueue.Job(request(name, family), null, T0.plusSeconds(takenSecond), clock.instant(), new CopyQueue.Progress() {
            @Override
            public void copying(double percent) {
            }

            @Override
            public void waiting(String reason) {
                waits.computeIfAbsent(name, n -> new ArrayList<>()).add(reason);
            }
        });
    }

    /** A copy of the disk whose PVC uid is {@code disk}, for the backup {@code backup-<name>}. */
    private static StartCopy request(String name, String disk) {
        return new StartCopy(DR, name, "westus", ArmResourceId.parse("/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/mc_src/providers/Microsoft.Compute/snapshots/src-" + name),
                false, tags(name, disk));
    }

    private static Map<String, String> tags(String name, String disk) {
        return Map.of(RegionSnapshotTags.BACKUP_ID, "backup-" + name, RegionSnapshotTags.PVC_UID, disk);
    }

    private static Throwable failure(CopyQueue.Job job) {
        try {
            job.done().join();
            throw new AssertionError("the job did not fail");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** The snapshots of the DR group; a started copy is in progress until the test finishes or fails it. */
    private final class Region implements RegionCopies {
        final Map<String, RegionCopy> snapshots = new LinkedHashMap<>();
        final Map<String, String> families = new LinkedHashMap<>();
        final List<String> started = new ArrayList<>();
        final Deque<AzureCallFailed> refusals = new ArrayDeque<>();
        /** Tags of snapshots that are not the copy of the job of the same name. */
        final Map<String, Map<String, String>> owners = new LinkedHashMap<>();

        void running(String name, String family) {
            families.put(name, family);
            put(name, 0, null);
        }

        void progress(String name, double percent) {
            put(name, percent, null);
        }

        void finish(String name) {
            put(name, 100, null);
        }

        void fail(String name, String code) {
            put(name, 10, code);
        }

        private void put(String name, double percent, String error) {
            snapshots.put(name, new RegionCopy(ArmResourceId.parse("/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/ferry-dr-westus/providers/"
                    + "Microsoft.Compute/snapshots/" + name), "westus", "CopyStart", null, percent,
                    "Succeeded", error, error == null ? null : "it failed", 1L << 30,
                    owners.getOrDefault(name, tags(name, families.get(name))), T0));
        }

        @Override
        public List<RegionCopy> list(ResourceGroupId group) {
            return List.copyOf(snapshots.values());
        }

        @Override
        public void start(StartCopy request) {
            if (!refusals.isEmpty()) {
                throw refusals.poll();
            }
            started.add(request.name());
            running(request.name(), familyOfJob.get(request.name()));
        }

        @Override
        public void delete(ArmResourceId id) {
            snapshots.remove(id.name());
        }
    }

    private final Map<String, String> familyOfJob = new LinkedHashMap<>();
    /** What each job of {@link #job} heard about why it waits, in order. */
    private final Map<String, List<String>> waits = new LinkedHashMap<>();
}
