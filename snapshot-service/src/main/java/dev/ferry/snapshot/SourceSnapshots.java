package dev.ferry.snapshot;

import dev.ferry.support.azure.AzureCallFailed;
import java.time.Instant;
import java.util.Optional;

/** The Azure snapshots in region A behind VolumeSnapshotContents, as the Compute API reports them. */
public interface SourceSnapshots {

    /** A region-A snapshot: its size, whether it is incremental, and its incremental family. */
    record SourceSnapshotInfo(String id, String region, long sizeBytes, boolean incremental, String familyId,
                              Instant timeCreated) {
    }

    /**
     * The snapshot with this ARM id, if it exists.
     *
     * @throws AzureCallFailed if Azure cannot be asked
     */
    Optional<SourceSnapshotInfo> describe(String snapshotId);
}
