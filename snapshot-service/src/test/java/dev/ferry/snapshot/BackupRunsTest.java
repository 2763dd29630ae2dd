package dev.ferry.snapshot;

import dev.ferry.support.time.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.TransferStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long runs stay in memory: finished ones for {@code ferry.runs.keep-finished}, running ones for good. */
class BackupRunsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
    private static final String UID = "0b4c1a9e-6f3d-4e2a-8c7b-5d9e0f1a2b3c";

    private final SettableClock clock = new SettableClock(T0);
    private final BackupRuns runs = new BackupRuns(new InMemoryVolumeSnapshotter(),
            SnapshotConfigs.of(Map.of("ferry.runs.keep-finished", "1h", "ferry.retention.unknown-export-grace", "6h")), clock);

    @Test
    void aFinishedRunIsForgottenAfterKeepFinished() {
        BackupRun done = run("done");
        done.taken(UID, null, null, T0);
        done.snapshotsDone(T0);
        done.recreated(UID, "target", T0.plusSeconds(60));
        runs.register(done);

        clock.set(T0.plus(Duration.ofMinutes(59)));
        runs.register(run("other-1"));
        assertThat(runs.inMemory("done")).containsSame(done);

        clock.set(T0.plus(Duration.ofMinutes(62)));
        runs.register(run("other-2"));
        assertThat(runs.inMemory("done")).isEmpty();
    }

    @Test
    void aRunWaitingForDownstreamNewsIsForgottenOnlyAfterTheExportGraceAndKeepFinished() {
        BackupRun transferring = run("transferring");
        transferring.taken(UID, null, null, T0);
        transferring.snapshotsDone(T0);
        BackupRun snapshotting = run("snapshotting");
        runs.register(transferring);
        runs.register(snapshotting);

        clock.set(T0.plus(Duration.ofHours(6).plusMinutes(59)));
        assertThat(runs.list(null)).extracting(BackupRun::backupId).contains("transferring", "snapshotting");

        clock.set(T0.plus(Duration.ofHours(7).plusMinutes(1)));
        assertThat(runs.list(null)).extracting(BackupRun::backupId).containsExactly("snapshotting");
    }

    @Test
    void aDiscardedRunIsForgottenButNotAnotherUnderItsId() {
        BackupRun first = run("same");
        runs.register(first);
        runs.discard(run("same"));
        assertThat(runs.inMemory("same")).containsSame(first);
        runs.discard(first);
        assertThat(runs.inMemory("same")).isEmpty();
    }

    @Test
    void theSnapshotsStillToCreateAreThoseOfPendingVolumesInTheNamespace() {
        BackupRun queued = BackupRun.plan("queued", "queued", "shop", "manual", "shop/manual", TransferStrategy.VHD_FULL, null, null, T0, "rest", null,
                null, List.of(claim()), List.of());
        runs.register(queued);
        runs.register(run("started"));
        runs.register(BackupRun.rebuilt("rebuilt", "rebuilt", "shop", "manual", TransferStrategy.VHD_FULL, T0, null));

        assertThat(runs.plannedSnapshots("shop")).containsExactly(
                new BackupRun.PlannedSnapshot("shop", "orders-db", SnapshotNames.volumeSnapshot("queued", UID)));
        assertThat(runs.plannedSnapshots("other")).isEmpty();
    }

    private static Claim claim() {
        return new Claim("shop", "orders-db", UID, "managed-csi", List.of("ReadWriteOnce"), "Filesystem", 1L << 30, 1L << 30,
                Map.of(), "Bound", false, "pv-1", Claim.AZURE_DISK_DRIVER, "/subscriptions/s/resourceGroups/mc/providers/Microsoft.Compute/disks/d");
    }

    private static BackupRun run(String backupId) {
        BackupRun run = BackupRun.plan(backupId, backupId, "shop", "manual", "shop/manual", TransferStrategy.VHD_FULL, null, null, T0, "rest", null,
                null, List.of(claim()), List.of());
        run.snapshotting(UID, "snap-" + backupId, T0);
        return run;
    }
}
