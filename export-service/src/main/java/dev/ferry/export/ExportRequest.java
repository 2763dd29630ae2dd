package dev.ferry.export;

import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.transfer.CopyEngineKind;
import java.time.Duration;
import java.util.Objects;

/**
 * What to export: one PVC's snapshot of one backup.
 *
 * @param sourceSnapshotId the snapshot in region A
 * @param diskSizeBytes    the snapshot's size: a whole number of MiB, as Import requires
 * @param engine           how the data moves
 * @param parallelism      chunks in flight at once
 * @param sasDuration      how long the read grant lasts: longer than the copy may take
 * @param sourceDiskId     the disk the snapshot was taken of: whose replica an incremental transfer feeds
 * @param previousSnapshotId the previous snapshot of that disk, if any: the base of a diff
 * @param sourceIncremental whether the snapshot is an incremental one (only those have a page diff)
 */
public record ExportRequest(TransferStrategy strategy, String backupId, String pvcUid, ArmResourceId sourceSnapshotId,
                            long diskSizeBytes, CopyEngineKind engine, int parallelism, Duration sasDuration,
                            ArmResourceId sourceDiskId, ArmResourceId previousSnapshotId, boolean sourceIncremental) {

    private static final long MIB = 1024 * 1024;

    public ExportRequest {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(sourceSnapshotId, "sourceSnapshotId");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(sasDuration, "sasDuration");
        if (!sourceSnapshotId.isOfType("Microsoft.Compute", "snapshots")) {
            throw new IllegalArgumentException("the source must be a Microsoft.Compute/snapshots id");
        }
        if (diskSizeBytes <= 0 || diskSizeBytes % MIB != 0) {
            throw new IllegalArgumentException("the disk size must be a positive whole number of MiB, not " + diskSizeBytes);
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be between 1 and 64, not " + parallelism);
        }
        if (sourceDiskId != null && !sourceDiskId.isOfType("Microsoft.Compute", "disks")) {
            throw new IllegalArgumentException("the source disk must be a Microsoft.Compute/disks id");
        }
        if (strategy == TransferStrategy.VHD_INCREMENTAL && sourceDiskId == null) {
            throw new IllegalArgumentException("an incremental transfer needs the source disk");
        }
        if (previousSnapshotId != null && (!previousSnapshotId.isOfType("Microsoft.Compute", "snapshots")
                || previousSnapshotId.equals(sourceSnapshotId))) {
            throw new IllegalArgumentException("the previous snapshot must be another Microsoft.Compute/snapshots id");
        }
        if (sasDuration.isNegative() || sasDuration.getSeconds() < 60) {
            throw new IllegalArgumentException("a SAS must last at least a minute");
        }
    }

    /** A {@code vhd-full} request: no replica, no base. */
    public static ExportRequest full(String backupId, String pvcUid, ArmResourceId sourceSnapshotId, long diskSizeBytes,
                                     CopyEngineKind engine, int parallelism, Duration sasDuration) {
        return new ExportRequest(TransferStrategy.VHD_FULL, backupId, pvcUid, sourceSnapshotId, diskSizeBytes, engine,
                parallelism, sasDuration, null, null, false);
    }

    /** The staging blob this volume's VHD goes to. */
    public StagingBlobName stagingBlobName() {
        return StagingBlobName.forVolume(backupId, pvcUid);
    }
}
