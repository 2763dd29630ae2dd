package dev.ferry.restore;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The DR cluster's Kubernetes API, as far as a restore needs it. Every create is idempotent: an
 * object that exists with that name already is left as it is.
 */
public interface DrCluster {

    boolean namespaceExists(String namespace);

    void createNamespace(String namespace, Map<String, String> labels);

    /** The storage class's {@code volumeBindingMode}, or empty if the class does not exist. */
    Optional<String> storageClassBindingMode(String name);

    /** The labels of the PVC of that name, or empty if there is none. */
    Optional<Map<String, String>> claimLabels(String namespace, String name);

    /** The labels of every PVC in the namespace, by name (one list, however many PVCs a restore has). */
    Map<String, Map<String, String>> claimLabelsIn(String namespace);

    /** The phase of the PVC of that name ({@code Pending}, {@code Bound}, {@code Lost}), or empty if there is none. */
    Optional<String> claimPhase(String namespace, String name);

    /**
     * Waits, watching the PVC rather than reading it again and again, until it is no longer
     * {@code Pending}, is gone, or {@code atMost} has passed; returns in each case.
     */
    void awaitClaimLeavesPending(String namespace, String name, Duration atMost);

    /**
     * A pre-provisioned VolumeSnapshotContent of the Azure disk CSI driver for an existing Azure
     * snapshot, with {@code deletionPolicy: Retain} (deleting it never deletes the region-B
     * snapshot), bound to the VolumeSnapshot {@code snapshotNamespace/snapshotName}.
     */
    void createSnapshotContent(String name, String snapshotHandle, String snapshotNamespace, String snapshotName,
                               Map<String, String> labels);

    /** A VolumeSnapshot bound to an existing VolumeSnapshotContent. */
    void createVolumeSnapshot(String namespace, String name, String contentName, Map<String, String> labels);

    /** A PVC whose data source is a VolumeSnapshot; false when a PVC of that name existed already (and was left as it is). */
    boolean createClaim(RestoredClaim claim);
}
