package dev.ferry.restore.drill;

import dev.ferry.events.DrillCheck;
import dev.ferry.events.DrillCheckOutcome;
import dev.ferry.events.DrillCompleted;
import dev.ferry.events.DrillOutcome;
import dev.ferry.events.DrillStep;
import dev.ferry.events.FerryEvent;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Duration;
import java.time.Instant;

/** One drill while it runs: what was asked, the restore point and scratch namespace it chose, and how far it got. */
public final class DrillRun {

    private final DrillRequest request;
    private final RestorePoint point;
    private final String scratchNamespace;
    private final Instant startedAt;
    private DrillStep step = DrillStep.ADMIT;
    private DrillStep failedStep;
    private String errorCode;
    private String error;
    private Long rtoMillis;
    private DrillCheck check;
    private int volumes;
    private DrillCompleted result;

    DrillRun(DrillRequest request, RestorePoint point, String scratchNamespace, Instant startedAt) {
        this.request = request;
        this.point = point;
        this.scratchNamespace = scratchNamespace;
        this.startedAt = startedAt;
    }

    public DrillRequest request() {
        return request;
    }

    public String drillId() {
        return request.drillId();
    }

    /** The restore point it restores. */
    public RestorePoint point() {
        return point;
    }

    public String scratchNamespace() {
        return scratchNamespace;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** The step it is in. */
    public synchronized DrillStep step() {
        return step;
    }

    /** The measured time to recover, once its restore has ended; null before. */
    public synchronized Long rtoMillis() {
        return rtoMillis;
    }

    /** Its check's outcome, once the check has ended; null before, or without a check. */
    public synchronized DrillCheck check() {
        return check;
    }

    /** Its result, once it has finished (cleanup included); null before. */
    public synchronized DrillCompleted result() {
        return result;
    }

    public synchronized boolean failed() {
        return failedStep != null;
    }

    synchronized void enter(DrillStep next) {
        step = next;
    }

    synchronized void restored(int count, Duration rto) {
        volumes = count;
        rtoMillis = rto.toMillis();
    }

    synchronized void checked(String jobName, DrillCheckOutcome outcome, Duration took) {
        check = new DrillCheck(jobName, outcome, took.toMillis());
    }

    /** The first failure is the drill's; a later one (a cleanup after a failed check) does not hide it. */
    synchronized void fail(String code, String message) {
        if (failedStep == null) {
            failedStep = step;
            errorCode = code;
            error = message;
        }
    }

    synchronized DrillCompleted finish(boolean cleanedUp, Instant at) {
        if (!cleanedUp) {
            step = DrillStep.CLEANUP;
            fail("CleanupIncomplete", "objects of drill " + request.drillId() + " were left on the DR cluster");
        }
        boolean passed = failedStep == null;
        Long target = point.objectives() == null ? null : point.objectives().rtoTargetSeconds();
        result = new DrillCompleted(FerryEvent.SCHEMA_VERSION, request.drillId(), request.drillId(), request.trigger(),
                point.sourceCluster(), point.namespace(), point.id(), scratchNamespace, passed ? DrillOutcome.PASSED : DrillOutcome.FAILED,
                failedStep, errorCode, error, point.recoveryPointAt(), rtoMillis, target, check, volumes, cleanedUp, startedAt, at);
        return result;
    }
}
