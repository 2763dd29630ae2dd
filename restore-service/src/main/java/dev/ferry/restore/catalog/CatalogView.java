package dev.ferry.restore.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The service's in-memory view of the catalog: built from the storage account at start and read
 * again now and then (other replicas write too), updated at once by this replica's own writes.
 * It also keeps restores and retention apart: a restore point that a restore uses is leased, and a
 * leased one is never deleted; one being deleted is no longer offered.
 */
@ApplicationScoped
public class CatalogView {

    private final Map<String, Map<Integer, CatalogEntry>> byBackup = new HashMap<>();
    private final Map<String, Long> addedAt = new HashMap<>();
    private final Map<String, Integer> leases = new HashMap<>();
    private final Set<String> deleting = new HashSet<>();
    private final Map<String, Long> deletedAt = new HashMap<>();
    private volatile boolean loaded;

    /** Whether the view has been read from storage at least once. */
    public boolean loaded() {
        return loaded;
    }

    /**
     * Why an entry cannot belong to the restore point its backup id names, if it cannot: a backup is
     * one namespace of one cluster, and each of its volume indexes is one PVC with one region-B copy.
     */
    public synchronized Optional<String> conflict(CatalogEntry entry) {
        Map<Integer, CatalogEntry> entries = byBackup.get(entry.backupId());
        if (entries == null || entries.isEmpty()) {
            return Optional.empty();
        }
        CatalogEntry any = entries.values().iterator().next();
        if (!any.volume().sourceCluster().equals(entry.volume().sourceCluster()) || !any.volume().namespace().equals(entry.volume().namespace())) {
            return Optional.of("backup " + entry.backupId() + " is of " + any.volume().sourceCluster() + "/" + any.volume().namespace()
                    + ", not of " + entry.volume().sourceCluster() + "/" + entry.volume().namespace());
        }
        CatalogEntry same = entries.get(entry.volume().volumeIndex());
        if (same != null && !same.sameCopyAs(entry)) {
            return Optional.of("volume " + entry.volume().volumeIndex() + " of backup " + entry.backupId() + " is recorded as PVC "
                    + same.volume().pvc().name() + " with region-B snapshot " + same.snapshotId());
        }
        return Optional.empty();
    }

    /** Adds an entry this replica wrote (or found) in the catalog; returns its restore point as it now is. */
    public synchronized RestorePoint add(CatalogEntry entry) {
        byBackup.computeIfAbsent(entry.backupId(), id -> new TreeMap<>()).put(entry.volume().volumeIndex(), entry);
        addedAt.put(entry.backupId(), System.nanoTime());
        return RestorePoint.of(List.copyOf(byBackup.get(entry.backupId()).values()));
    }

    /**
     * Replaces the view with what storage holds. Entries added since {@code readStartedNanos} (when the
     * listing began) may be missing from the listing and are kept.
     */
    public synchronized void replace(Collection<CatalogEntry> stored, long readStartedNanos) {
        Map<String, Map<Integer, CatalogEntry>> fresh = new HashMap<>();
        for (CatalogEntry entry : stored) {
            fresh.computeIfAbsent(entry.backupId(), id -> new TreeMap<>()).put(entry.volume().volumeIndex(), entry);
        }
        addedAt.forEach((backupId, nanos) -> {
            if (nanos - readStartedNanos > 0 && byBackup.containsKey(backupId)) {
                fresh.computeIfAbsent(backupId, id -> new TreeMap<>()).putAll(byBackup.get(backupId));
            }
        });
        // A restore point deleted while storage was read may still be in the listing: it stays gone.
        deletedAt.forEach((backupId, nanos) -> {
            if (nanos - readStartedNanos > 0) {
                fresh.remove(backupId);
            }
        });
        deletedAt.values().removeIf(nanos -> nanos - readStartedNanos <= 0);
        addedAt.keySet().retainAll(fresh.keySet());
        byBackup.clear();
        byBackup.putAll(fresh);
        loaded = true;
    }

    /** Every restore point not being deleted, newest first, optionally of one namespace and one source cluster. */
    public synchronized List<RestorePoint> list(Optional<String> namespace, Optional<String> sourceCluster) {
        List<RestorePoint> points = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, CatalogEntry>> backup : byBackup.entrySet()) {
            if (deleting.contains(backup.getKey()) || backup.getValue().isEmpty()) {
                continue;
            }
            RestorePoint point = RestorePoint.of(List.copyOf(backup.getValue().values()));
            if (namespace.map(point.namespace()::equals).orElse(true) && sourceCluster.map(point.sourceCluster()::equals).orElse(true)) {
                points.add(point);
            }
        }
        points.sort(RestorePoint.NEWEST_FIRST);
        return points;
    }

    /** The restore point of that id, unless it is being deleted. */
    public synchronized Optional<RestorePoint> find(String id) {
        Map<Integer, CatalogEntry> entries = byBackup.get(id);
        if (entries == null || entries.isEmpty() || deleting.contains(id)) {
            return Optional.empty();
        }
        return Optional.of(RestorePoint.of(List.copyOf(entries.values())));
    }

    /** Marks a restore point as used by a restore; false if it is being deleted. Every lease is released once. */
    public synchronized boolean lease(String id) {
        if (deleting.contains(id) || !byBackup.containsKey(id)) {
            return false;
        }
        leases.merge(id, 1, Integer::sum);
        return true;
    }

    public synchronized void release(String id) {
        leases.computeIfPresent(id, (key, count) -> count > 1 ? count - 1 : null);
    }

    /** Hides a restore point from restores before its deletion; false if a restore uses it (retention then skips it). */
    public synchronized boolean beginDelete(String id) {
        if (leases.containsKey(id)) {
            return false;
        }
        deleting.add(id);
        return true;
    }

    /** Forgets a deleted restore point, or offers it again when its deletion stopped half-way. */
    public synchronized void endDelete(String id, boolean deleted) {
        deleting.remove(id);
        if (deleted) {
            byBackup.remove(id);
            addedAt.remove(id);
            deletedAt.put(id, System.nanoTime());
        }
    }

    /** Removes one entry that retention deleted from storage. */
    public synchronized void removeEntry(CatalogEntry entry) {
        Map<Integer, CatalogEntry> entries = byBackup.get(entry.backupId());
        if (entries != null) {
            entries.remove(entry.volume().volumeIndex());
        }
    }
}
