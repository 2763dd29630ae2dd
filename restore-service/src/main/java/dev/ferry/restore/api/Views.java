package dev.ferry.restore.api;

import dev.ferry.events.RestoredVolume;
import dev.ferry.restore.RestorePlan;
import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Instant;
import java.util.List;

/** What the REST API shows of restore points and restores. */
final class Views {

    private Views() {
    }

    /** A restore point as {@code GET /api/v1/restore-points} lists it. */
    record RestorePointView(String id, String sourceCluster, String namespace, String policy, boolean complete, int volumeCount,
                            List<Integer> missingVolumes, Instant recoveryPointAt, Instant recordedAt, Long bytesMoved,
                            Long rpoTargetSeconds, Long rtoTargetSeconds, List<VolumeView> volumes) {
    }

    /**
     * One volume of a restore point: the PVC it restores and the region-B snapshot it restores from; what its transfer moved
     * ({@code full} or {@code diff}), absent for entries cataloged before transfers were kept.
     */
    record VolumeView(int volumeIndex, String pvcName, String storageClassName, List<String> accessModes, String volumeMode,
                      long requestedBytes, long sizeBytes, String snapshotId, Instant takenAt, Long bytesMoved, String transferMode,
                      Instant arrivedAt) {
    }

    /** A restore as {@code GET /api/v1/restores/{id}} shows it. */
    record RestoreView(String restoreId, String restorePointId, String sourceCluster, String sourceNamespace, String targetNamespace,
                       String requestedBy, String state, Instant recoveryPointAt, Instant startedAt, Instant completedAt, Long restoreDurationMillis,
                       List<RestoredVolumeView> volumes, String errorCode, String error) {
    }

    /** One PVC a restore created. */
    record RestoredVolumeView(String pvcName, String storageClassName, long sizeBytes, String snapshotId, String phase) {
    }

    /** What a restore would create, as a dry run ({@code POST /api/v1/restores?dryRun=true}) shows it. */
    record RestorePreview(String restorePointId, String sourceCluster, String sourceNamespace, String targetNamespace,
                          boolean createNamespace, Instant recoveryPointAt, boolean complete, List<PlannedVolumeView> volumes) {
    }

    /** One PVC a restore would create. */
    record PlannedVolumeView(String pvcName, String storageClassName, long sizeBytes, String snapshotId) {
    }

    static RestorePreview of(RestorePlan plan) {
        RestorePoint point = plan.point();
        return new RestorePreview(point.id(), point.sourceCluster(), point.namespace(), plan.targetNamespace(),
                plan.request().createNamespace(), point.recoveryPointAt(), point.complete(),
                point.volumes().stream().map(entry -> new PlannedVolumeView(entry.volume().pvc().name(),
                        plan.storageClasses().get(entry.volume().volumeIndex()), entry.sizeBytes(), entry.snapshotId().toString()))
                        .toList());
    }

    static RestorePointView of(RestorePoint point) {
        return new RestorePointView(point.id(), point.sourceCluster(), point.namespace(), point.policy(), point.complete(),
                point.volumeCount(), point.missingVolumes(), point.recoveryPointAt(), point.recordedAt(),
                point.volumes().stream().allMatch(entry -> entry.transfer() != null)
                        ? point.volumes().stream().mapToLong(entry -> entry.transfer().bytesMoved()).sum() : null,
                point.objectives() == null ? null : point.objectives().rpoTargetSeconds(),
                point.objectives() == null ? null : point.objectives().rtoTargetSeconds(),
                point.volumes().stream().map(Views::of).toList());
    }

    private static VolumeView of(CatalogEntry entry) {
        var pvc = entry.volume().pvc();
        return new VolumeView(entry.volume().volumeIndex(), pvc.name(), pvc.storageClassName(), pvc.accessModes(), pvc.volumeMode(),
                pvc.requestedBytes(), entry.sizeBytes(), entry.snapshotId().toString(), entry.volume().takenAt(),
                entry.transfer() == null ? null : entry.transfer().bytesMoved(), entry.transfer() == null ? null : entry.transfer().mode(),
                entry.recreatedAt());
    }

    static RestoreView of(RestoreRun run) {
        return new RestoreView(run.restoreId(), run.point().id(), run.point().sourceCluster(), run.point().namespace(),
                run.targetNamespace(), run.request().requestedBy(), run.state().name(), run.point().recoveryPointAt(), run.startedAt(), run.completedAt(),
                run.duration() == null ? null : run.duration().toMillis(),
                run.volumes().stream().map(Views::of).toList(), run.errorCode(), run.error());
    }

    private static RestoredVolumeView of(RestoredVolume volume) {
        return new RestoredVolumeView(volume.pvcName(), volume.storageClassName(), volume.sizeBytes(), volume.snapshotId().toString(),
                volume.phase());
    }
}
