package dev.ferry.export;

import dev.ferry.events.arm.ArmResourceId;
import java.util.Optional;

/** What DiskRP says about a snapshot in region A (Snapshots_Get): enough to trust a page diff between two of them. */
public interface SourceSnapshots {

    /**
     * A snapshot as Azure describes it.
     *
     * @param sourceDiskId the disk it was taken of
     * @param familyId     its incremental snapshot family (the disk's), or null for a full snapshot
     */
    record Facts(ArmResourceId id, ArmResourceId sourceDiskId, String familyId, boolean incremental, long sizeBytes) {
    }

    /** The snapshot, or empty when it does not exist (any more). */
    Optional<Facts> find(ArmResourceId snapshotId);
}
