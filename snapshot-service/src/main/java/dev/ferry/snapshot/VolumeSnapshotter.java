package dev.ferry.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** CSI VolumeSnapshots and their contents on the source cluster: the verbs a backup needs, nothing more. */
public interface VolumeSnapshotter {

    /** A VolumeSnapshot to create from a PVC. */
    record SnapshotRequest(String namespace, String name, String pvcName, String snapshotClass,
                           Map<String, String> labels, Map<String, String> annotations) {
    }

    /**
     * A VolumeSnapshot as the snapshot controller reports it.
     *
     * @param error       the controller's {@code status.error.message}, if any
     * @param terminating whether it is being deleted ({@code metadata.deletionTimestamp} set): it may
     *                    still look ready, but is no base for a new snapshot and no restore point
     */
    record SnapshotState(String namespace, String name, String pvcName, Map<String, String> labels,
                         Map<String, String> annotations, Instant created, boolean readyToUse, String contentName,
                         String error, boolean terminating) {

        public String label(String key) {
            return labels == null ? null : labels.get(key);
        }

        public String annotation(String key) {
            return annotations == null ? null : annotations.get(key);
        }

        /** Ready to use and bound to its content, or failed: nothing more to wait for on the VolumeSnapshot itself. */
        public boolean settled() {
            return error != null || readyToUse && contentName != null;
        }
    }

    /**
     * A VolumeSnapshotContent.
     *
     * @param snapshotHandle the Azure snapshot's ARM id ({@code status.snapshotHandle})
     * @param volumeHandle   the disk it was taken of ({@code spec.source.volumeHandle})
     */
    record ContentState(String name, String snapshotHandle, String volumeHandle, boolean readyToUse, String error) {
    }

    Optional<SnapshotState> find(String namespace, String name);

    /**
     * Waits, watching the VolumeSnapshot rather than reading it again and again, until it is settled
     * ({@link SnapshotState#settled()}) or {@code atMost} has passed.
     *
     * @return its state then, settled or not; empty once it is gone
     */
    Optional<SnapshotState> awaitSettled(String namespace, String name, Duration atMost);

    /** Creates the VolumeSnapshot; if one of that name appeared meanwhile, returns it instead. */
    SnapshotState create(SnapshotRequest request);

    Optional<ContentState> content(String name);

    /** The VolumeSnapshots carrying all these labels, in one namespace or (null) in all. */
    List<SnapshotState> list(String namespace, Map<String, String> labels);

    /**
     * Deletes a VolumeSnapshot (its content and the Azure snapshot follow the class's deletion policy).
     *
     * @return false if it was already gone, which counts as done
     */
    boolean delete(String namespace, String name);
}
