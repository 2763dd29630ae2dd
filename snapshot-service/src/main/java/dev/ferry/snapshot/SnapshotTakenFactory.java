package dev.ferry.snapshot;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.snapshot.SourceSnapshots.SourceSnapshotInfo;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import java.time.Clock;
import java.time.Instant;

/** Builds the {@code SnapshotTaken} of one volume of a run from its ready VolumeSnapshot and the Azure snapshot behind it. */
final class SnapshotTakenFactory {

    private final String cluster;
    private final Clock clock;

    SnapshotTakenFactory(String cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    /**
     * @param snapshotId the Azure snapshot, as the VolumeSnapshotContent names it
     * @param diskId     the disk it was taken of
     * @param previous   the base of an incremental transfer, or null
     */
    SnapshotTaken taken(BackupRun run, Claim claim, SnapshotState snapshot, String snapshotId, String diskId, SourceSnapshotInfo info,
                        ArmResourceId previous) {
        Instant takenAt = info.timeCreated() != null ? info.timeCreated() : snapshot.created() != null ? snapshot.created() : clock.instant();
        long size = info.sizeBytes() > 0 ? info.sizeBytes() : claim.toPvcSpec().capacityBytes();
        VolumeBackup volume = new VolumeBackup(run.policy(), cluster, claim.namespace(), claim.toPvcSpec(),
                run.volumeIndex(claim.uid()), run.volumeCount(),
                new SourceSnapshot(ArmResourceId.parse(snapshotId), ArmResourceId.parse(diskId), info.region(), size,
                        info.incremental(), previous),
                run.target(), run.strategy(), run.copySpeed(), takenAt, run.objectives());
        return new SnapshotTaken(FerryEvent.SCHEMA_VERSION, run.backupId(), run.correlationId(), volume);
    }
}
