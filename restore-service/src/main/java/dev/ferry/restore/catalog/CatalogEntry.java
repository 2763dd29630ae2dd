package dev.ferry.restore.catalog;

import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.TransferStats;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import java.time.Instant;

/**
 * One volume of one backup as the catalog keeps it in region B: a small JSON document that holds
 * everything a restore needs, so that restores work when region A and the Kafka history are gone.
 *
 * @param formatVersion the version of this document's shape
 * @param volume        the volume as the source side described it: PVC spec, source snapshot, takenAt
 * @param snapshotId    the region-B managed snapshot to restore from
 * @param sizeBytes     the region-B snapshot's size
 * @param method        how the region-B snapshot was made ({@code import} or {@code copy-start})
 * @param recreatedAt   when the region-B snapshot was ready
 * @param transfer      what the transfer to region B moved and how long it took; absent in entries written before it was kept
 */
public record CatalogEntry(
        int formatVersion,
        String backupId,
        String correlationId,
        VolumeBackup volume,
        ArmResourceId snapshotId,
        long sizeBytes,
        String method,
        Instant recreatedAt,
        TransferStats transfer) {

    public static final int FORMAT_VERSION = 1;

    /** The folder under which the catalog keeps every restore point. */
    public static final String PREFIX = "restorepoints/";

    /** The entry that a {@code SnapshotRecreated} event makes. */
    public static CatalogEntry of(SnapshotRecreated event) {
        return new CatalogEntry(FORMAT_VERSION, event.backupId(), event.correlationId(), event.volume(), event.targetSnapshotId(),
                event.targetSizeBytes(), event.method(), event.recreatedAt(), event.transfer());
    }

    /** {@code restorepoints/<sourceCluster>/<namespace>/<backupId>/}: the folder of the entry's restore point. */
    public String folder() {
        return PREFIX + volume.sourceCluster() + "/" + volume.namespace() + "/" + backupId + "/";
    }

    /** The entry's blob name: its restore point's folder, then {@code <volumeIndex>-<pvcName>.json}. */
    public String blobName() {
        return folder() + volume.volumeIndex() + "-" + volume.pvc().name() + ".json";
    }

    /** Whether two entries describe the same region-B copy of the same volume (a redelivery, not a conflict). */
    public boolean sameCopyAs(CatalogEntry other) {
        return backupId.equals(other.backupId) && volume.volumeIndex() == other.volume.volumeIndex()
                && volume.pvc().uid().equals(other.volume.pvc().uid()) && snapshotId.equals(other.snapshotId);
    }
}
