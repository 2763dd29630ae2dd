package dev.ferry.restore.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.PvcSpec;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.support.time.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransfersInFlightTest {

    private static final Instant T0 = Instant.parse("2026-12-08T10:00:00Z");
    private static final long MIB = 1024 * 1024;
    private static final String SUB = "6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11";

    private final SettableClock clock = new SettableClock(T0);
    private final TransfersInFlight inFlight = new TransfersInFlight(Duration.ofMinutes(30), Duration.ofHours(24), 3, clock);

    @Test
    void aVolumeMovingHasItsRateSinceItBeganAndTheTimeLeftAtThatRate() {
        inFlight.taken(taken("b1", "db", 0, 1));
        inFlight.progressed(progressed("b1", "db", 0, 100 * MIB, 1));
        inFlight.progressed(progressed("b1", "db", 30 * MIB, 100 * MIB, 4));

        TransfersInFlight.VolumeProgress volume = only("b1").volumes().get(0);
        assertThat(volume.state()).isEqualTo("MOVING");
        assertThat(volume.percent()).isEqualTo(30);
        assertThat(volume.bytesPerSecond()).isEqualTo(10 * MIB);
        assertThat(volume.etaSeconds()).isEqualTo(7);
        assertThat(only("b1").percent()).isEqualTo(30);
    }

    @Test
    void aLateReportNeverMovesAVolumeBack() {
        inFlight.taken(taken("b1", "db", 0, 1));
        inFlight.progressed(progressed("b1", "db", 50 * MIB, 100 * MIB, 5));
        inFlight.failed(failed("b1", "db"));
        inFlight.progressed(progressed("b1", "db", 60 * MIB, 100 * MIB, 6));

        assertThat(only("b1").volumes().get(0).state()).isEqualTo("FAILED");
        assertThat(only("b1").finished()).isTrue();
    }

    @Test
    void progressBeforeTheSnapshotEventStillCountsTheVolume() {
        inFlight.progressed(progressed("b1", "files", 1 * MIB, 4 * MIB, 2));
        inFlight.taken(taken("b1", "files", 1, 2));

        TransfersInFlight.BackupProgress backup = only("b1");
        assertThat(backup.volumes()).extracting(TransfersInFlight.VolumeProgress::state).containsExactly("MOVING");
        assertThat(backup.volumeCount()).isEqualTo(2);
        assertThat(backup.finished()).isFalse();
        assertThat(backup.percent()).as("one volume of two is not yet heard of").isNull();
    }

    @Test
    void aFinishedBackupStaysForKeepFinishedThenGoes() {
        inFlight.taken(taken("b1", "db", 0, 1));
        inFlight.failed(failed("b1", "db"));
        clock.set(T0.plus(Duration.ofMinutes(20)));
        assertThat(inFlight.current()).hasSize(1);
        clock.set(T0.plus(Duration.ofMinutes(40)));
        assertThat(inFlight.current()).isEmpty();
    }

    @Test
    void beyondTheCapTheOldestFinishedBackupGoesFirst() {
        inFlight.taken(taken("finished", "db", 0, 1));
        inFlight.failed(failed("finished", "db"));
        inFlight.taken(taken("b2", "db", 0, 1));
        inFlight.taken(taken("b3", "db", 0, 1));
        inFlight.taken(taken("b4", "db", 0, 1));

        assertThat(inFlight.current()).extracting(TransfersInFlight.BackupProgress::backupId).containsExactlyInAnyOrder("b2", "b3", "b4");
    }

    private TransfersInFlight.BackupProgress only(String backupId) {
        List<TransfersInFlight.BackupProgress> all = inFlight.current().stream().filter(b -> b.backupId().equals(backupId)).toList();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static VolumeBackup volume(String pvc, int index, int count) {
        ArmResourceId disk = ArmResourceId.of(SUB, "rg", "Microsoft.Compute", "disks", "pvc-" + pvc);
        ArmResourceId snapshot = ArmResourceId.of(SUB, "rg", "Microsoft.Compute", "snapshots", "snap-" + pvc);
        return new VolumeBackup("manual", "aks-source", "shop", new PvcSpec(pvc, "uid-" + pvc, "managed-csi", List.of("ReadWriteOnce"),
                "Filesystem", 1L << 30, 1L << 30, Map.of()), index, count, new SourceSnapshot(snapshot, disk, "eastus", 1L << 30, true, null),
                null, TransferStrategy.VHD_INCREMENTAL, null, T0);
    }

    private static SnapshotTaken taken(String backupId, String pvc, int index, int count) {
        return new SnapshotTaken(FerryEvent.SCHEMA_VERSION, backupId, "corr", volume(pvc, index, count));
    }

    private static TransferProgressed progressed(String backupId, String pvc, long done, long total, int secondsAfterT0) {
        VolumeBackup volume = volume(pvc, 0, 1);
        return new TransferProgressed(FerryEvent.SCHEMA_VERSION, backupId, "corr", "shop", pvc, volume.source().diskId(),
                volume.source().snapshotId(), "streaming", done, total, null, T0.plusSeconds(secondsAfterT0));
    }

    private static StepFailed failed(String backupId, String pvc) {
        return StepFailed.ofVolume(taken(backupId, pvc, 0, 1), Map.of(), Step.EXPORT, "Boom", "it broke", false, 1, T0.plusSeconds(10));
    }
}
