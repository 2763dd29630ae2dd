package dev.ferry.restore;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The DR cluster's Kubernetes API in memory, for unit tests. It keeps what a restore creates (by
 * {@code namespace/name}); a PVC it creates takes the phase the test chose, {@code Bound} unless told.
 * Like the real one, a create leaves an object that exists with that name as it is.
 */
final class InMemoryDrCluster implements DrCluster {

    /** A VolumeSnapshotContent as created: the region-B snapshot it points at and its VolumeSnapshot. */
    record SnapshotContent(String snapshotHandle, String snapshotRef, Map<String, String> labels) {
    }

    final Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
    final Map<String, SnapshotContent> snapshotContents = new LinkedHashMap<>();
    /** The VolumeSnapshots, by {@code namespace/name}: the name of the content each is bound to. */
    final Map<String, String> volumeSnapshots = new LinkedHashMap<>();
    final Map<String, RestoredClaim> claims = new LinkedHashMap<>();
    private final Map<String, String> storageClasses = new HashMap<>();
    private final Map<String, Map<String, String>> claimLabels = new HashMap<>();
    private final Map<String, String> claimPhases = new HashMap<>();
    private int storageClassReads;
    private String newClaimPhase = "Bound";
    private boolean answering = true;

    InMemoryDrCluster withNamespace(String namespace) {
        namespaces.put(namespace, Map.of());
        return this;
    }

    InMemoryDrCluster withStorageClass(String name, String bindingMode) {
        storageClasses.put(name, bindingMode);
        return this;
    }

    /** A PVC that something other than the restore made. */
    InMemoryDrCluster withClaim(String namespace, String name, Map<String, String> labels) {
        claimLabels.put(namespace + "/" + name, labels);
        claimPhases.put(namespace + "/" + name, "Bound");
        return this;
    }

    /** The phase of every PVC created from now on: {@code Pending} for one that never binds, {@code Lost}. */
    void claimsBecome(String phase) {
        newClaimPhase = phase;
    }

    /** From now on every call fails, as when the API server cannot be reached. */
    void stopAnswering() {
        answering = false;
    }

    /** How many times a storage class was read. */
    int storageClassReads() {
        return storageClassReads;
    }

    @Override
    public synchronized boolean namespaceExists(String namespace) {
        answer();
        return namespaces.containsKey(namespace);
    }

    @Override
    public synchronized void createNamespace(String namespace, Map<String, String> labels) {
        answer();
        namespaces.putIfAbsent(namespace, labels);
    }

    @Override
    public synchronized Optional<String> storageClassBindingMode(String name) {
        answer();
        storageClassReads++;
        return Optional.ofNullable(storageClasses.get(name));
    }

    @Override
    public synchronized Optional<Map<String, String>> claimLabels(String namespace, String name) {
        answer();
        return Optional.ofNullable(claimLabels.get(namespace + "/" + name));
    }

    @Override
    public synchronized Map<String, Map<String, String>> claimLabelsIn(String namespace) {
        answer();
        Map<String, Map<String, String>> labels = new java.util.HashMap<>();
        claimLabels.forEach((key, value) -> {
            if (key.startsWith(namespace + "/")) {
                labels.put(key.substring(namespace.length() + 1), value);
            }
        });
        return labels;
    }

    @Override
    public synchronized Optional<String> claimPhase(String namespace, String name) {
        answer();
        return Optional.ofNullable(claimPhases.get(namespace + "/" + name));
    }

    /** Waits a few milliseconds at a time: the tests set phases from other threads, with no watch to tell. */
    @Override
    public void awaitClaimLeavesPending(String namespace, String name, Duration atMost) {
        long until = System.nanoTime() + atMost.toNanos();
        while ("Pending".equals(claimPhase(namespace, name).orElse(null)) && System.nanoTime() < until) {
            LockSupport.parkNanos(Math.min(5_000_000L, Math.max(0, until - System.nanoTime())));
        }
    }

    @Override
    public synchronized void createSnapshotContent(String name, String snapshotHandle, String snapshotNamespace, String snapshotName,
                                      Map<String, String> labels) {
        answer();
        snapshotContents.putIfAbsent(name, new SnapshotContent(snapshotHandle, snapshotNamespace + "/" + snapshotName, labels));
    }

    @Override
    public synchronized void createVolumeSnapshot(String namespace, String name, String contentName, Map<String, String> labels) {
        answer();
        volumeSnapshots.putIfAbsent(namespace + "/" + name, contentName);
    }

    @Override
    public synchronized boolean createClaim(RestoredClaim claim) {
        answer();
        String key = claim.namespace() + "/" + claim.name();
        if (claimLabels.putIfAbsent(key, claim.labels()) == null) {
            claims.put(key, claim);
            claimPhases.put(key, newClaimPhase);
            return true;
        }
        return false;
    }

    private void answer() {
        if (!answering) {
            throw new IllegalStateException("the DR cluster's API server does not answer");
        }
    }
}
