package dev.ferry.restore;

import dev.ferry.events.arm.ArmResourceId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Region B's managed snapshots in memory, for unit tests; safe for the admission's parallel checks. */
final class InMemoryRegionSnapshots implements RegionSnapshots {

    private final Set<ArmResourceId> snapshots = ConcurrentHashMap.newKeySet();

    void add(ArmResourceId snapshotId) {
        snapshots.add(snapshotId);
    }

    @Override
    public boolean exists(ArmResourceId snapshotId) {
        return snapshots.contains(snapshotId);
    }

    @Override
    public void delete(ArmResourceId snapshotId) {
        snapshots.remove(snapshotId);
    }
}
