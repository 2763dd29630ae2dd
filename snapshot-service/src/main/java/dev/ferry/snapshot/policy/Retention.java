package dev.ferry.snapshot.policy;

import dev.ferry.snapshot.BackupRun;
import dev.ferry.snapshot.BackupRun.VolumeState;
import dev.ferry.snapshot.BackupRuns;
import dev.ferry.snapshot.Claim;
import dev.ferry.snapshot.FerryLabels;
import dev.ferry.snapshot.VolumeSnapshotter;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import dev.ferry.snapshot.config.SnapshotConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * A policy's retention, after each of its runs: per PVC of the run, keeps the policy's newest
 * {@code keep} VolumeSnapshots and deletes the older ones ({@link RetentionPlan} decides), never a
 * snapshot without Ferry's labels, never one of another policy (matched by namespace and name, see
 * {@link FerryLabels#POLICY_REF}), never one a running export still needs, and never the PVC's newest
 * ready snapshot, the base of its next incremental backup (what export-service's replica of the disk
 * holds). What the backup runs know of each volume's downstream progress tells which exports still run.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);
    private static final Map<String, String> FERRY = Map.of(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE);

    private final VolumeSnapshotter snapshotter;
    private final BackupRuns runs;
    private final SnapshotConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;

    public Retention(VolumeSnapshotter snapshotter, BackupRuns runs, SnapshotConfig config, MeterRegistry metrics, Clock clock) {
        this.snapshotter = snapshotter;
        this.runs = runs;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Applies a policy's retention to every PVC of one of its runs. */
    public void afterRun(BackupPolicy policy, BackupRun run) {
        for (Claim claim : run.claims()) {
            MDC.put("volume", claim.namespace() + "/" + claim.name());
            try {
                apply(policy.ref().key(), policy.keep(), claim.namespace(), claim.uid());
            } catch (RuntimeException e) {
                LOG.errorf(e, "retention of policy %s could not finish for PVC %s/%s; the next run tries again", policy.ref(),
                        claim.namespace(), claim.name());
                metrics.counter("ferry.snapshot.retention.snapshots", "outcome", "failed").increment();
            } finally {
                MDC.remove("volume");
            }
        }
    }

    /**
     * Applies a policy's retention to one PVC's snapshots; returns the plan it carried out.
     *
     * @param policy the policy as {@code <namespace>/<name>} ({@link PolicyRef#key()})
     */
    public RetentionPlan apply(String policy, int keep, String namespace, String pvcUid) {
        // A snapshot being deleted is neither a restore point nor a base any more: out of the count.
        List<SnapshotState> history = snapshotter.list(namespace, Map.of(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE,
                FerryLabels.PVC_UID, pvcUid)).stream().filter(s -> !s.terminating()).toList();
        Map<String, SnapshotState> byName = history.stream().collect(Collectors.toMap(SnapshotState::name, Function.identity(), (a, b) -> a));
        RetentionPlan plan = RetentionPlan.plan(history.stream().map(this::entry).toList(), policy, keep);
        plan.protect().forEach((name, why) -> {
            LOG.infof("retention of policy %s keeps VolumeSnapshot %s/%s beyond keep=%d: %s", policy, namespace, name, keep, why);
            metrics.counter("ferry.snapshot.retention.snapshots", "outcome", "protected").increment();
        });
        for (String name : plan.delete()) {
            SnapshotState snapshot = byName.get(name);
            boolean ferrys = snapshot != null && FERRY.entrySet().stream().allMatch(e -> e.getValue().equals(snapshot.label(e.getKey())))
                    && pvcUid.equals(snapshot.label(FerryLabels.PVC_UID));
            if (!ferrys) {
                continue;
            }
            boolean deleted = snapshotter.delete(namespace, name);
            LOG.infof("retention of policy %s (keep=%d) %s VolumeSnapshot %s/%s of backup %s", policy, keep,
                    deleted ? "deleted" : "found already gone", namespace, name, snapshot.label(FerryLabels.BACKUP_ID));
            metrics.counter("ferry.snapshot.retention.snapshots", "outcome", "deleted").increment();
        }
        return plan;
    }

    private RetentionPlan.Entry entry(SnapshotState snapshot) {
        RetentionPlan.Readiness readiness = snapshot.error() != null ? RetentionPlan.Readiness.FAILED
                : snapshot.readyToUse() ? RetentionPlan.Readiness.READY : RetentionPlan.Readiness.IN_PROGRESS;
        String policy = policyRef(snapshot);
        String pvcUid = snapshot.label(FerryLabels.PVC_UID);
        String backupId = snapshot.label(FerryLabels.BACKUP_ID);
        Optional<BackupRun> run = backupId == null ? Optional.empty() : runs.inMemory(backupId);
        Optional<VolumeState> state = run.flatMap(r -> r.volumeState(pvcUid));
        Instant taken = snapshot.created() != null ? snapshot.created() : BackupRuns.requestedAt(snapshot);
        boolean withinGrace = taken.plus(config.retention().unknownExportGrace()).isAfter(clock.instant());
        boolean running;
        if (state.isPresent() && !(run.get().isRebuilt() && state.get() == VolumeState.TAKEN)) {
            running = switch (state.get()) {
                case PENDING, SNAPSHOTTING -> true;
                // Its downstream event may never come (lost, or the export gave up silently): not forever.
                case TAKEN -> withinGrace;
                // Heard from the transfer itself: its source must stay (a copy-start copy reads it until it ends).
                case WAITING, TRANSFERRING -> true;
                case EXPORTED, RECREATED, FAILED -> false;
            };
        } else {
            // Progress not seen by this replica (a restart, another replica): assume a recent one still
            // exports, and one still being taken will export (so the base it will pick stays).
            running = readiness != RetentionPlan.Readiness.FAILED && withinGrace;
        }
        String previous = run.flatMap(r -> r.previousVolumeSnapshot(pvcUid)).orElse(null);
        return new RetentionPlan.Entry(snapshot.name(), policy, BackupRuns.requestedAt(snapshot), readiness, running, previous);
    }

    /**
     * The policy whose retention manages a snapshot, as {@code <namespace>/<name>}: its
     * {@code ferry.dev/policy-ref}, or for a snapshot made before that annotation existed, its own
     * namespace and its {@code ferry.dev/policy} (so only a policy of that namespace owns it).
     */
    static String policyRef(SnapshotState snapshot) {
        String ref = snapshot.annotation(FerryLabels.POLICY_REF);
        if (ref != null) {
            return ref;
        }
        String name = snapshot.annotation(FerryLabels.POLICY) != null ? snapshot.annotation(FerryLabels.POLICY)
                : snapshot.label(FerryLabels.POLICY);
        return name == null ? null : snapshot.namespace() + "/" + name;
    }
}
