package dev.ferry.snapshot.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which of one PVC's Ferry VolumeSnapshots a policy keeps and which it deletes. The policy keeps
 * its newest {@code keep} ready snapshots and deletes its older ones (and its older failed ones),
 * except those an export still needs: a snapshot whose own export runs, the base of a running
 * incremental export (its {@code previousSnapshotId}, which may belong to another policy or to a
 * one-off backup), and the PVC's newest ready snapshot of any policy or one-off backup, which is the
 * base of the PVC's next incremental backup: the backup picks it as {@code previousSnapshotId}, and
 * export-service's replica of the disk holds it as its generation (deleted, the next backup would be
 * a full copy). Snapshots still being taken are never touched, nor are those of other policies.
 *
 * <p>With {@code keep >= 1} a policy's own newest ready snapshot is always among those it keeps, so
 * the keep rule alone already spares the PVC's newest; the rule is stated on its own so that it holds
 * whatever the keep rule becomes, and {@code protect} names it when it is what spares a snapshot.
 *
 * @param keep      the policy's snapshots that stay as its newest restore points, newest first
 * @param delete    the snapshots to delete, newest first
 * @param protect   snapshots that would have been deleted but a running export or the next incremental
 *                  backup needs, with the reason
 */
public record RetentionPlan(List<String> keep, List<String> delete, Map<String, String> protect) {

    /** Where a VolumeSnapshot is. */
    public enum Readiness {
        READY, FAILED, IN_PROGRESS
    }

    /**
     * One VolumeSnapshot of the PVC.
     *
     * @param policy        the policy whose retention manages it, as {@code <namespace>/<name>} (for a one-off
     *                        backup {@code <namespace>/manual}, which no policy is)
     * @param requestedAt   when its backup was requested: the order of the PVC's history
     * @param exportRunning whether its volume is still on its way to region B (taken, not yet exported, recreated or failed)
     * @param previous      the VolumeSnapshot that is the base of its incremental export, if known
     */
    public record Entry(String name, String policy, Instant requestedAt, Readiness readiness, boolean exportRunning,
                        String previous) {
    }

    /** Why the PVC's newest ready snapshot stays. */
    static final String NEXT_BASE = "it is the base of the next incremental backup";

    private static final Comparator<Entry> NEWEST_FIRST = Comparator.comparing(Entry::requestedAt)
            .thenComparing(Entry::name).reversed();

    /**
     * Plans the retention of one PVC's snapshots for a policy.
     *
     * @param history every Ferry VolumeSnapshot of the PVC, of any policy, except those being deleted
     * @param policy  the policy as {@code <namespace>/<name>}
     */
    public static RetentionPlan plan(List<Entry> history, String policy, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1 but is " + keep);
        }
        List<Entry> sorted = history.stream().sorted(NEWEST_FIRST).toList();
        Map<String, String> needed = new LinkedHashMap<>();
        for (Entry entry : sorted) {
            if (!entry.exportRunning()) {
                continue;
            }
            needed.putIfAbsent(entry.name(), "its export to region B is still running");
            String base = entry.previous() != null ? entry.previous() : assumedBase(sorted, entry);
            if (base != null) {
                needed.putIfAbsent(base, "it is the base of the running export of " + entry.name());
            }
        }
        nextIncrementalBase(sorted).ifPresent(next -> needed.putIfAbsent(next, NEXT_BASE));
        List<String> kept = new ArrayList<>();
        List<String> delete = new ArrayList<>();
        Map<String, String> protect = new LinkedHashMap<>();
        for (Entry entry : sorted) {
            if (!policy.equals(entry.policy()) || entry.readiness() == Readiness.IN_PROGRESS) {
                continue;
            }
            if (kept.size() < keep) {
                if (entry.readiness() == Readiness.READY) {
                    kept.add(entry.name());
                }
                continue;
            }
            if (needed.containsKey(entry.name())) {
                protect.put(entry.name(), needed.get(entry.name()));
            } else {
                delete.add(entry.name());
            }
        }
        return new RetentionPlan(List.copyOf(kept), List.copyOf(delete), Collections.unmodifiableMap(protect));
    }

    /**
     * The snapshot the PVC's next backup will diff against: its newest ready one, of whatever policy
     * or one-off backup (as the backup picks its {@code previousSnapshotId}); empty without one.
     *
     * @param history every Ferry VolumeSnapshot of the PVC, except those being deleted
     */
    public static Optional<String> nextIncrementalBase(List<Entry> history) {
        return history.stream()
                .filter(e -> e.readiness() == Readiness.READY)
                .min(NEWEST_FIRST)
                .map(Entry::name);
    }

    /** Without a recorded base, the newest ready snapshot requested before the entry: what the backup picks first. */
    private static String assumedBase(List<Entry> newestFirst, Entry entry) {
        return newestFirst.stream()
                .filter(e -> e.readiness() == Readiness.READY && e.requestedAt().isBefore(entry.requestedAt()))
                .map(Entry::name)
                .findFirst()
                .orElse(null);
    }
}
