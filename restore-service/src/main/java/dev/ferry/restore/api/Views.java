package dev.ferry.restore.api;

import dev.ferry.events.DrillCheck;
import dev.ferry.events.DrillCompleted;
import dev.ferry.events.RestoredVolume;
import dev.ferry.restore.RestorePlan;
import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.restore.drill.DrillCheckSpec;
import dev.ferry.restore.drill.DrillRecord;
import dev.ferry.restore.drill.DrillRun;
import dev.ferry.restore.drill.DrillSchedule;
import dev.ferry.support.time.KubeDurations;
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
    /**
     * A drill as {@code GET /api/v1/drills} shows it: {@code state} is {@code running}, {@code passed} or {@code failed};
     * {@code step} the step it is in while it runs, {@code failedStep} where it failed; {@code rtoMillis} the time from its
     * start to every PVC ready, beside the application's RTO target.
     */
    record DrillView(String drillId, String trigger, String schedule, String requestedBy, String sourceCluster, String namespace,
                     String restorePointId, Instant recoveryPointAt, String scratchNamespace, String state, String step, String failedStep,
                     String errorCode, String error, Long rtoMillis, Long rtoTargetSeconds, DrillCheck check, Integer volumes,
                     Boolean cleanedUp, Instant startedAt, Instant completedAt) {
    }

    /** A DrillSchedule: what it drills, how often, and its last and next drill ({@code nextDrillAt} absent when suspended or invalid). */
    record DrillScheduleView(String name, String sourceCluster, String namespace, String every, boolean suspend, CheckView check,
                             boolean valid, List<String> problems, String lastDrillId, String lastOutcome, Instant lastDrillAt,
                             Instant nextDrillAt) {
    }

    /** A check Job's image, command and timeout. */
    record CheckView(String image, List<String> command, String timeout) {
    }

    static DrillView of(DrillRun run) {
        DrillCompleted done = run.result();
        if (done != null) {
            return of(new DrillRecord(done, run.request().requestedBy(), run.request().schedule()));
        }
        RestorePoint point = run.point();
        return new DrillView(run.drillId(), run.request().trigger().wireName(), run.request().schedule(), run.request().requestedBy(),
                point.sourceCluster(), point.namespace(), point.id(), point.recoveryPointAt(), run.scratchNamespace(), "running",
                run.step().wireName(), null, null, null, run.rtoMillis(), point.objectives() == null ? null : point.objectives().rtoTargetSeconds(),
                run.check(), point.volumes().size(), null, run.startedAt(), null);
    }

    static DrillView of(DrillRecord record) {
        DrillCompleted r = record.result();
        return new DrillView(r.drillId(), r.trigger().wireName(), record.schedule(), record.requestedBy(), r.sourceCluster(),
                r.sourceNamespace(), r.restorePointId(), r.recoveryPointAt(), r.scratchNamespace(), r.outcome().wireName(), null,
                r.failedStep() == null ? null : r.failedStep().wireName(), r.errorCode(), r.error(), r.rtoMillis(), r.rtoTargetSeconds(),
                r.check(), r.volumes(), r.cleanedUp(), r.startedAt(), r.completedAt());
    }

    static DrillScheduleView of(DrillSchedule schedule, DrillRecord last, Instant next) {
        DrillCheckSpec check = schedule.check();
        return new DrillScheduleView(schedule.name(), schedule.sourceCluster(), schedule.namespace(),
                schedule.every() == null ? null : KubeDurations.format(schedule.every()), schedule.suspend(),
                check == null ? null : new CheckView(check.image(), check.command(), KubeDurations.format(check.timeout())),
                schedule.valid(), schedule.problems(), last == null ? null : last.result().drillId(),
                last == null ? null : last.result().outcome().wireName(), last == null ? null : last.result().startedAt(), next);
    }
}
