package dev.ferry.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** VolumeSnapshots in a list, for unit tests: what is created, listed and deleted. */
public final class InMemoryVolumeSnapshotter implements VolumeSnapshotter {

    private final List<SnapshotState> snapshots = new CopyOnWriteArrayList<>();
    public final List<String> created = new CopyOnWriteArrayList<>();
    public final List<String> deleted = new CopyOnWriteArrayList<>();
    /** What a newly created snapshot reports: by default a failure, so a run ends at once. */
    public volatile String errorOfCreated = "the test's snapshotter takes no snapshots";

    public void add(SnapshotState snapshot) {
        snapshots.add(snapshot);
    }

    /** A ready Ferry VolumeSnapshot of a PVC, requested and created at {@code at}. */
    public static SnapshotState ready(String namespace, String name, String pvcUid, Instant at, Map<String, String> annotations) {
        return state(namespace, name, pvcUid, at, annotations, true, false);
    }

    public static SnapshotState state(String namespace, String name, String pvcUid, Instant at, Map<String, String> annotations,
                                      boolean ready, boolean terminating) {
        Map<String, String> all = new java.util.HashMap<>(annotations);
        all.putIfAbsent(FerryLabels.REQUESTED_AT, at.toString());
        return new SnapshotState(namespace, name, "pvc", Map.of(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE,
                FerryLabels.PVC_UID, pvcUid, FerryLabels.BACKUP_ID, "backup-" + name), Map.copyOf(all), at, ready,
                ready ? "content-" + name : null, null, terminating);
    }

    /** A ready VolumeSnapshot of a PVC taken at {@code at}, by anyone: no Ferry labels. */
    public static SnapshotState takenOf(String namespace, String name, String pvcName, Instant at) {
        return new SnapshotState(namespace, name, pvcName, Map.of(), Map.of(), at, true, "content-" + name, null, false);
    }

    public List<String> names(String namespace) {
        return snapshots.stream().filter(s -> s.namespace().equals(namespace)).map(SnapshotState::name).toList();
    }

    @Override
    public Optional<SnapshotState> find(String namespace, String name) {
        return snapshots.stream().filter(s -> s.namespace().equals(namespace) && s.name().equals(name)).findFirst();
    }

    /** Looks every few milliseconds: the tests change snapshots from other threads, with no watch to tell. */
    @Override
    public Optional<SnapshotState> awaitSettled(String namespace, String name, Duration atMost) {
        long until = System.nanoTime() + atMost.toNanos();
        Optional<SnapshotState> state = find(namespace, name);
        while (state.isPresent() && !state.get().settled() && System.nanoTime() < until) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            state = find(namespace, name);
        }
        return state;
    }

    @Override
    public SnapshotState create(SnapshotRequest request) {
        SnapshotState state = new SnapshotState(request.namespace(), request.name(), request.pvcName(), request.labels(),
                request.annotations(), Instant.now(), false, null, errorOfCreated, false);
        snapshots.add(state);
        created.add(request.name());
        return state;
    }

    @Override
    public Optional<ContentState> content(String name) {
        return Optional.empty();
    }

    @Override
    public List<SnapshotState> list(String namespace, Map<String, String> labels) {
        List<SnapshotState> found = new ArrayList<>();
        for (SnapshotState s : snapshots) {
            if ((namespace == null || namespace.equals(s.namespace()))
                    && labels.entrySet().stream().allMatch(e -> e.getValue().equals(s.label(e.getKey())))) {
                found.add(s);
            }
        }
        return found;
    }

    @Override
    public boolean delete(String namespace, String name) {
        deleted.add(name);
        return snapshots.removeIf(s -> s.namespace().equals(namespace) && s.name().equals(name));
    }
}
