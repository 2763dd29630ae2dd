package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import dev.ferry.events.RestoredVolume;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** One restore: what was asked, what it resolved to, and how far it got. Safe to read from any thread. */
public final class RestoreRun {

    /** Where a restore is. */
    public enum State { ACCEPTED, RUNNING, COMPLETED, FAILED }

    private final RestorePlan plan;
    private State state = State.ACCEPTED;
    private List<RestoredVolume> volumes = List.of();
    private Instant completedAt;
    private String errorCode;
    private String error;
    private boolean reported;

    RestoreRun(RestorePlan plan) {
        this.plan = plan;
    }

    /**
     * The restore a record keeps. One that had not finished is accepted again, to be run again: its objects' names derive
     * from its id, so what it created before is found, not created twice.
     */
    static RestoreRun of(RestoreRecord record) {
        RestoreRun run = new RestoreRun(record.plan());
        if (record.finished()) {
            run.state = record.state();
            run.volumes = record.volumes();
            run.completedAt = record.completedAt();
            run.errorCode = record.errorCode();
            run.error = record.error();
            run.reported = record.reported();
        }
        return run;
    }

    /** What the ledger keeps of it now. */
    synchronized RestoreRecord record() {
        return new RestoreRecord(plan, state, volumes, completedAt, errorCode, error, reported);
    }

    /** Whether its outcome was sent as an event. */
    public synchronized boolean reported() {
        return reported;
    }

    synchronized void markReported() {
        reported = true;
    }

    /** What admission made of the request. */
    public RestorePlan plan() {
        return plan;
    }

    public String restoreId() {
        return plan.restoreId();
    }

    public RestoreRequested request() {
        return plan.request();
    }

    public RestorePoint point() {
        return plan.point();
    }

    public String targetNamespace() {
        return plan.targetNamespace();
    }

    /** When the request arrived. */
    public Instant startedAt() {
        return plan.receivedAt();
    }

    public synchronized State state() {
        return state;
    }

    public synchronized List<RestoredVolume> volumes() {
        return volumes;
    }

    public synchronized Instant completedAt() {
        return completedAt;
    }

    public synchronized String errorCode() {
        return errorCode;
    }

    public synchronized String error() {
        return error;
    }

    /** From the request to the last PVC being ready (or to the failure). */
    public synchronized Duration duration() {
        return completedAt == null ? null : Duration.between(plan.receivedAt(), completedAt);
    }

    synchronized void running() {
        state = State.RUNNING;
    }

    synchronized void completed(List<RestoredVolume> restored, Instant at) {
        state = State.COMPLETED;
        volumes = List.copyOf(restored);
        completedAt = at;
    }

    synchronized void failed(String code, String message, Instant at) {
        state = State.FAILED;
        errorCode = code;
        error = message;
        completedAt = at;
    }

    /** Whether it has finished, either way. */
    public synchronized boolean finished() {
        return state == State.COMPLETED || state == State.FAILED;
    }
}
