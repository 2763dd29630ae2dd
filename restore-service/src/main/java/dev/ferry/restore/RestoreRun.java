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

    RestoreRun(RestorePlan plan) {
        this.plan = plan;
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
