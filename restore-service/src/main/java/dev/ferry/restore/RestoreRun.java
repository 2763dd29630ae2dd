package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import dev.ferry.events.RestoredVolume;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One restore: what was asked, what it resolved to, and how far it got. Safe to read from any thread. */
public final class RestoreRun {

    /** Where a restore is. */
    public enum State { ACCEPTED, RUNNING, COMPLETED, FAILED }

    private final RestoreRequested request;
    private final RestorePoint point;
    private final String targetNamespace;
    private final Map<Integer, String> storageClasses;
    private final Set<String> firstConsumerClasses;
    private final Instant startedAt;
    private State state = State.ACCEPTED;
    private List<RestoredVolume> volumes = List.of();
    private Instant completedAt;
    private String errorCode;
    private String error;

    RestoreRun(RestoreRequested request, RestorePoint point, String targetNamespace, Map<Integer, String> storageClasses,
               Set<String> firstConsumerClasses, Instant startedAt) {
        this.request = request;
        this.point = point;
        this.targetNamespace = targetNamespace;
        this.storageClasses = Map.copyOf(storageClasses);
        this.firstConsumerClasses = Set.copyOf(firstConsumerClasses);
        this.startedAt = startedAt;
    }

    public String restoreId() {
        return request.restoreId();
    }

    public RestoreRequested request() {
        return request;
    }

    public RestorePoint point() {
        return point;
    }

    public String targetNamespace() {
        return targetNamespace;
    }

    /** The DR storage class of each volume, by volume index. */
    public Map<Integer, String> storageClasses() {
        return storageClasses;
    }

    /** The DR storage classes of the restore that bind on first consumer: their PVCs are ready once created. */
    public Set<String> firstConsumerClasses() {
        return firstConsumerClasses;
    }

    public Instant startedAt() {
        return startedAt;
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
        return completedAt == null ? null : Duration.between(startedAt, completedAt);
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
