package dev.ferry.snapshot;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.snapshot.SourceSnapshots.SourceSnapshotInfo;
import dev.ferry.snapshot.VolumeSnapshotter.ContentState;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the base of an incremental transfer: the newest earlier Ferry snapshot of the same disk
 * whose content is ready and whose Azure snapshot still exists in the same incremental family.
 */
final class BaseSnapshotFinder {

    /** The base of an incremental transfer: the Azure snapshot and the VolumeSnapshot it belongs to. */
    record Base(ArmResourceId snapshotId, String volumeSnapshot) {
    }

    private final VolumeSnapshotter snapshotter;
    private final SourceSnapshots sourceSnapshots;

    BaseSnapshotFinder(VolumeSnapshotter snapshotter, SourceSnapshots sourceSnapshots) {
        this.snapshotter = snapshotter;
        this.sourceSnapshots = sourceSnapshots;
    }

    /**
     * The base of {@code current}, the claim's ready snapshot of disk {@code diskId} whose Azure
     * snapshot is {@code currentInfo}; empty when the transfer has to be a full one.
     */
    Optional<Base> find(Claim claim, SnapshotState current, String diskId, SourceSnapshotInfo currentInfo) {
        List<SnapshotState> history = snapshotter.list(claim.namespace(), Map.of(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE,
                FerryLabels.PVC_UID, claim.uid()));
        for (SnapshotState candidate : baseCandidates(history, current)) {
            Optional<ContentState> content = snapshotter.content(candidate.contentName());
            if (content.isEmpty() || content.get().snapshotHandle() == null || content.get().volumeHandle() == null
                    || !ArmResourceId.sameResource(content.get().volumeHandle(), diskId)) {
                continue;
            }
            Optional<SourceSnapshotInfo> info = sourceSnapshots.describe(content.get().snapshotHandle());
            if (info.isEmpty()) {
                continue;
            }
            if (currentInfo.familyId() != null && info.get().familyId() != null
                    && !currentInfo.familyId().equalsIgnoreCase(info.get().familyId())) {
                continue;
            }
            if (ArmResourceId.sameResource(info.get().id(), currentInfo.id())) {
                continue;
            }
            return Optional.of(new Base(ArmResourceId.parse(content.get().snapshotHandle()), candidate.name()));
        }
        return Optional.empty();
    }

    /**
     * The PVC's snapshots that may be the base of {@code current}, newest first: requested earlier,
     * ready, not failed, and not being deleted (a snapshot with a deletionTimestamp may still report
     * ready, but its Azure snapshot is about to go).
     */
    static List<SnapshotState> baseCandidates(List<SnapshotState> history, SnapshotState current) {
        Instant mine = BackupRuns.requestedAt(current);
        return history.stream()
                .filter(s -> !s.name().equals(current.name()))
                .filter(s -> s.readyToUse() && s.contentName() != null && s.error() == null && !s.terminating())
                .filter(s -> BackupRuns.requestedAt(s).isBefore(mine))
                .sorted(Comparator.comparing(BackupRuns::requestedAt).thenComparing(SnapshotState::name).reversed())
                .toList();
    }
}
