package dev.ferry.snapshot.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.snapshot.BackupAdmission;
import dev.ferry.snapshot.BackupExecution;
import dev.ferry.snapshot.BackupRun;
import dev.ferry.snapshot.BackupRuns;
import dev.ferry.snapshot.ClusterVolumes;
import dev.ferry.snapshot.InMemoryClusterVolumes;
import dev.ferry.snapshot.InMemoryVolumeSnapshotter;
import dev.ferry.support.time.SettableClock;
import dev.ferry.snapshot.SnapshotConfigs;
import dev.ferry.snapshot.config.SnapshotConfig;
import dev.ferry.snapshot.run.BackupRunner;
import dev.ferry.support.messaging.EventPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The scheduler's order of things for a due policy: accept, write the status, then start; and its refusals. */
class PolicySchedulerTest {

    private static final Instant SLOT = Instant.parse("2026-03-01T02:00:00Z");
    private static final Clock CLOCK = Clock.fixed(SLOT.plusSeconds(30), ZoneOffset.UTC);
    private static final PolicyRef REF = new PolicyRef("shop", "nightly", "1f2e3d4c-0000-4000-8000-000000000000");
    private static final String BACKUP_ID = PolicyBackupIds.of(REF, SLOT);

    private final InMemoryVolumeSnapshotter snapshotter = new InMemoryVolumeSnapshotter();
    private final Policies policies = new Policies();

    @Test
    void aRunWhoseStatusCannotBeWrittenIsNotStartedAndTheNextTickStartsIt() {
        Fixture f = new Fixture(SnapshotConfigs.of(Map.of()), false);
        policies.all.add(due(Map.of("schedule", "0 2 * * *", "keep", 1)));
        policies.failingWrites.set(1);

        f.scheduler.tick();

        assertThat(policies.written).isEmpty();
        assertThat(f.runs.inMemory(BACKUP_ID)).as("the run is dropped with its status").isEmpty();
        assertThat(snapshotter.created).isEmpty();

        f.scheduler.tick();

        assertThat(policies.written).singleElement().satisfies(status -> {
            assertThat(status.lastScheduleTime()).isEqualTo(SLOT);
            assertThat(status.lastBackupId()).isEqualTo(BACKUP_ID);
            assertThat(status.condition(PolicyCondition.SCHEDULED).reason()).isEqualTo("BackupStarted");
        });
        awaitCreated(1);
    }

    @Test
    void anUnknownDefaultStrategyStopsTheServiceAtStart() {
        assertThatThrownBy(() -> SnapshotConfigs.of(Map.of("ferry.transfer.strategy", "vhd-sometimes")))
                .hasMessageContaining("ferry.transfer.strategy");
    }

    @Test
    void aRunRejectedAtShutdownIsDropped() {
        Fixture f = new Fixture(SnapshotConfigs.of(Map.of()), true);
        policies.all.add(due(Map.of("schedule", "0 2 * * *", "keep", 1)));

        f.scheduler.tick();

        assertThat(f.runs.inMemory(BACKUP_ID)).isEmpty();
    }

    @Test
    void byDefaultAPolicyMayNotBackUpAnotherNamespace() {
        Fixture f = new Fixture(SnapshotConfigs.of(Map.of()), false);
        policies.all.add(BackupPolicy.read(new PolicyRef("ops", "nightly", "uid-ops"), 1, SLOT.minus(Duration.ofDays(30)),
                Map.of("namespace", "shop", "schedule", "0 2 * * *", "keep", 1), PolicyStatus.EMPTY));

        f.scheduler.tick();

        assertThat(policies.written).singleElement().satisfies(status -> {
            assertThat(status.condition(PolicyCondition.READY).reason()).isEqualTo("InvalidSpec");
            assertThat(status.condition(PolicyCondition.READY).message()).contains("ferry.policies.cross-namespace=false");
        });
        assertThat(snapshotter.created).isEmpty();
    }

    @Test
    void aRunThatWouldTakeOneSnapshotTooManyWaitsWithItsFireTimeDueAndStartsOnceTheWindowAllows() {
        SettableClock clock = new SettableClock(SLOT.plusSeconds(30));
        Fixture f = new Fixture(SnapshotConfigs.of(Map.of()), false, clock);
        policies.all.add(due(Map.of("schedule", "0 2 * * *", "keep", 1)));
        // Seven snapshots of the policy's PVC in the last five minutes, the oldest 200 s before the first tick.
        for (int i = 0; i < 7; i++) {
            snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", "earlier-" + i, "orders-db", clock.instant().minusSeconds(200 - 10 * i)));
        }
        Instant allowedAt = clock.instant().plusSeconds(100);

        f.scheduler.tick();
        clock.set(clock.instant().plusSeconds(30));
        f.scheduler.tick();

        assertThat(f.runs.inMemory(BACKUP_ID)).isEmpty();
        assertThat(snapshotter.created).isEmpty();
        assertThat(policies.written).isNotEmpty().allSatisfy(status -> {
            assertThat(status.lastScheduleTime()).as("the fire time is not consumed").isEqualTo(SLOT.minus(Duration.ofDays(1)));
            PolicyCondition scheduled = status.condition(PolicyCondition.SCHEDULED);
            assertThat(scheduled.status()).isEqualTo("False");
            assertThat(scheduled.reason()).isEqualTo("SnapshotRateLimited");
            assertThat(scheduled.message()).contains("fire time " + SLOT).contains("orders-db: 7 snapshots")
                    .contains("allowed at " + allowedAt);
        });
        assertThat(f.metrics.counter(BackupAdmission.RATE_LIMITED_METRIC, "trigger", "schedule").count())
                .as("counted once per delayed fire time, not per tick").isEqualTo(1);

        clock.set(allowedAt);
        f.scheduler.tick();

        assertThat(policies.written.get(policies.written.size() - 1)).satisfies(status -> {
            assertThat(status.lastScheduleTime()).isEqualTo(SLOT);
            assertThat(status.lastBackupId()).isEqualTo(BACKUP_ID);
            assertThat(status.condition(PolicyCondition.SCHEDULED).reason()).isEqualTo("BackupStarted");
        });
        awaitCreated(1);
    }

    /** A policy created a month ago that last ran the day before: due for {@link #SLOT}. */
    private static BackupPolicy due(Map<String, ?> spec) {
        return BackupPolicy.read(REF, 1, SLOT.minus(Duration.ofDays(30)), spec,
                PolicyStatus.EMPTY.withRun(SLOT.minus(Duration.ofDays(1)), "nightly-earlier"));
    }

    private void awaitCreated(int count) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (snapshotter.created.size() < count && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(snapshotter.created).hasSize(count);
    }

    /** The scheduler with a real admission and execution over in-memory fakes. */
    private final class Fixture {
        final BackupRuns runs;
        final PolicyScheduler scheduler;
        final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

        Fixture(SnapshotConfig config, boolean shuttingDown) {
            this(config, shuttingDown, CLOCK);
        }

        Fixture(SnapshotConfig config, boolean shuttingDown, Clock clock) {
            runs = new BackupRuns(snapshotter, config, clock);
            ClusterVolumes volumes = new InMemoryClusterVolumes().add(RetentionTest.claim());
            EventPublisher events = event -> {
            };
            BackupExecution execution = new BackupExecution(config, snapshotter, id -> Optional.empty(), events, metrics, clock);
            BackupRunner runner = new BackupRunner(execution, config) {
                @Override
                public void executeInBackground(BackupRun run, Runnable after) {
                    if (shuttingDown) {
                        throw new RejectedExecutionException("shutting down");
                    }
                    super.executeInBackground(run, after);
                }
            };
            scheduler = new PolicyScheduler(policies, new BackupAdmission(config, volumes, snapshotter, runs, metrics, clock), runs, runner,
                    volumes, new Retention(snapshotter, runs, config, metrics, clock), config, metrics, clock);
        }
    }

    /** BackupPolicies in a list; status writes are recorded, and the first {@code failingWrites} fail. */
    private static final class Policies implements BackupPolicies {
        final List<BackupPolicy> all = new CopyOnWriteArrayList<>();
        final List<PolicyStatus> written = new CopyOnWriteArrayList<>();
        final AtomicInteger failingWrites = new AtomicInteger();

        @Override
        public List<BackupPolicy> list() {
            return all;
        }

        @Override
        public Optional<BackupPolicy> find(String namespace, String name) {
            return all.stream().filter(p -> p.ref().namespace().equals(namespace) && p.ref().name().equals(name)).findFirst();
        }

        @Override
        public boolean writeStatus(PolicyRef policy, PolicyStatus status) {
            if (failingWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("409 Conflict: the object has been modified");
            }
            written.add(status);
            return true;
        }
    }
}
