package dev.ferry.restore;

import dev.ferry.events.arm.ArmResourceId;

/** The managed snapshots in region B, as far as restores and retention need them. */
public interface RegionSnapshots {

    /** Whether the snapshot exists (and so a disk can be made from it). */
    boolean exists(ArmResourceId snapshotId);

    /** Deletes the snapshot; one already gone counts as deleted. */
    void delete(ArmResourceId snapshotId);
}
