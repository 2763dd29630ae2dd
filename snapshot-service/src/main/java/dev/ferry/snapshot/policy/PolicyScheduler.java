package dev.ferry.snapshot.policy;

import dev.ferry.events.BackupRequested;
import dev.ferry.events.DrTarget;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.AzureRegion;
import dev.ferry.snapshot.BackupAdmission;
import dev.ferry.snapshot.BackupRefused.Reason;
import dev.ferry.snapshot.BackupRefused;
import dev.ferry.snapshot.BackupRun;
import dev.ferry.snapshot.BackupRuns;
import dev.ferry.snapshot.Claim;
import dev.ferry.snapshot.ClusterVolumes;
import dev.ferry.snapshot.config.SnapshotConfig;
import dev.ferry.snapshot.run.BackupRunner;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Starts the runs of BackupPolicies. On each tick ({@code run.PolicyTicker}) it looks at each policy: an
 * invalid one gets condition {@code Ready=False/InvalidSpec} and never runs; a valid one that is due
 * ({@link PolicySchedule}) starts one backup through the same {@link BackupAdmission} path as REST,
 * under a backupId derived from the policy and the fire time, records the fire time and backupId in
 * the policy's status before the run is started (a run whose status cannot be written is not
 * started; the next tick tries again), and applies the policy's retention when the
 * run's snapshots are done. A policy whose previous run is still taking snapshots waits (its fire
 * times coalesce into one run), and so does one whose run would take more snapshots of a PVC's disk
 * than Azure allows in the window: its fire time stays due until a tick finds room.
 */
@ApplicationScoped
public class PolicyScheduler {

    /** Who BackupRequested says asked for a policy's run. */
    static final String REQUESTED_BY = "schedule";
    private static final Logger LOG = Logger.getLogger(PolicyScheduler.class);

    /** What this replica last wrote for a policy: newer than the informer's copy until the watch delivers it. */
    private record Written(Instant lastScheduleTime, PolicyStatus status) {
    }

    private final BackupPolicies policies;
    private final BackupAdmission admission;
    private final BackupRuns runs;
    private final BackupRunner runner;
    private final ClusterVolumes volumes;
    private final Retention retention;
    private final SnapshotConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Map<String, Written> written = new ConcurrentHashMap<>();
    private final Map<String, BackupRun> active = new ConcurrentHashMap<>();
    /** The fire time whose run each policy holds back for the snapshot limit: logged and counted once. */
    private final Map<String, Instant> delayed = new ConcurrentHashMap<>();

    public PolicyScheduler(BackupPolicies policies, BackupAdmission admission, BackupRuns runs, BackupRunner runner,
                           ClusterVolumes volumes, Retention retention, SnapshotConfig config, MeterRegistry metrics, Clock clock) {
        this.policies = policies;
        this.admission = admission;
        this.runs = runs;
        this.runner = runner;
        this.volumes = volumes;
        this.retention = retention;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One look at every policy; never throws, so the next tick comes. */
    public void tick() {
        try {
            List<BackupPolicy> all = policies.list();
            Set<String> seen = new HashSet<>();
            Instant now = clock.instant();
            for (BackupPolicy policy : all) {
                seen.add(key(policy.ref()));
                MDC.put("policy", policy.ref().toString());
                try {
                    reconcile(policy, now);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "BackupPolicy %s could not be handled; the next tick tries again", policy.ref());
                } finally {
                    MDC.remove("policy");
                }
            }
            written.keySet().retainAll(seen);
            active.keySet().retainAll(seen);
            delayed.keySet().retainAll(seen);
        } catch (RuntimeException e) {
            LOG.errorf(e, "the BackupPolicies could not be read; the next tick tries again");
        }
    }

    /** Brings one policy's status up to date and starts its run if it is due. */
    void reconcile(BackupPolicy policy, Instant now) {
        PolicyStatus seen = policy.status();
        Written mine = written.get(key(policy.ref()));
        PolicyStatus base = seen;
        if (mine != null && (seen.lastScheduleTime() == null || mine.lastScheduleTime() != null
                && mine.lastScheduleTime().isAfter(seen.lastScheduleTime()))) {
            base = mine.status();
        }
        PolicyStatus next = base.withGeneration(policy.generation());
        List<String> problems = new ArrayList<>(policy.problems());
        if (!config.policies().crossNamespace() && !policy.namespace().equals(policy.ref().namespace())) {
            problems.add("namespace " + policy.namespace() + " is not the policy's own (" + policy.ref().namespace()
                    + ") and this service does not allow cross-namespace policies (ferry.policies.cross-namespace=false)");
        }
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems);
            next = next.with(condition(PolicyCondition.READY, false, "InvalidSpec", message, policy, now)).withNext(null);
            if (!next.sameAs(seen)) {
                LOG.warnf("BackupPolicy %s is invalid and does not run: %s", policy.ref(), message);
                write(policy.ref(), next);
            }
            return;
        }
        next = next.with(condition(PolicyCondition.READY, true, "Valid", "Backs up " + policy.selector() + " in namespace "
                + policy.namespace() + " on '" + policy.schedule() + "' (UTC), keeping " + policy.keep() + " per PVC.", policy, now));
        Optional<Instant> due = policy.suspend() ? Optional.empty()
                : PolicySchedule.dueSlot(policy.schedule(), base.lastScheduleTime(), policy.createdAt(), now);
        BackupRun previous = active.get(key(policy.ref()));
        if (due.isPresent() && previous != null && previous.state() == BackupRun.State.SNAPSHOTTING) {
            LOG.debugf("BackupPolicy %s is due but its backup %s is still taking snapshots; it runs once that is done",
                    policy.ref(), previous.backupId());
            due = Optional.empty();
        }
        next = next.withNext(policy.suspend() ? null : policy.schedule().nextFireAfter(now).orElse(null));
        if (due.isPresent()) {
            start(policy, due.get(), next, now);
        } else if (!next.sameAs(seen)) {
            write(policy.ref(), next);
        }
    }

    /**
     * Admits the run of a fire time, records it in the policy's status, and only then starts it: a
     * run whose status write fails is dropped (the next tick, still seeing the fire time as due,
     * admits it again under the same backupId). A refused run's status is written the same way.
     */
    private void start(BackupPolicy policy, Instant slot, PolicyStatus status, Instant now) {
        String backupId = PolicyBackupIds.of(policy.ref(), slot);
        MDC.put("backupId", backupId);
        try {
            BackupAdmission.Admitted admitted;
            try {
                admitted = admission.admit(request(policy, backupId, now), policy.ref().key(), policy.objectives());
            } catch (BackupRefused e) {
                if (e.reason() == Reason.SNAPSHOT_RATE_LIMITED) {
                    delay(policy, slot, status, e, now);
                    return;
                }
                delayed.remove(key(policy.ref()));
                String message = e.getMessage() + (e.details().isEmpty() ? "" : " " + String.join("; ", e.details()));
                LOG.warnf("BackupPolicy %s: the run for fire time %s was refused: %s: %s", policy.ref(), slot, e.code(), message);
                metrics.counter("ferry.snapshot.policy.runs", "outcome", "refused").increment();
                write(policy.ref(), status.withRun(slot, null).with(condition(PolicyCondition.SCHEDULED, false, e.code(), message, policy,
                        now)));
                return;
            }
            delayed.remove(key(policy.ref()));
            BackupRun run = admitted.run();
            PolicyStatus started = status.withRun(slot, backupId).with(condition(PolicyCondition.SCHEDULED, true, "BackupStarted",
                    "Backup " + backupId + " of " + run.volumeCount() + " PVC(s) for the fire time " + slot + ".", policy, now));
            if (!admitted.isNew()) {
                LOG.infof("BackupPolicy %s: backup %s of fire time %s is already known (%s)", policy.ref(), backupId, slot, run.state());
                active.put(key(policy.ref()), run);
                write(policy.ref(), started);
                return;
            }
            boolean written;
            try {
                written = write(policy.ref(), started);
            } catch (RuntimeException e) {
                runs.discard(run);
                LOG.errorf(e, "BackupPolicy %s: the status of backup %s could not be written, so it is not started; the next tick"
                        + " tries again", policy.ref(), backupId);
                return;
            }
            if (!written) {
                runs.discard(run);
                return;
            }
            try {
                runner.executeInBackground(run, () -> retention.afterRun(policy, run));
            } catch (RejectedExecutionException e) {
                // Shutting down: nothing runs it now; a restart finds the status and the same backupId.
                runs.discard(run);
                throw e;
            }
            active.put(key(policy.ref()), run);
            LOG.infof("BackupPolicy %s started backup %s of %d PVC(s) for its fire time %s", policy.ref(), backupId, run.volumeCount(), slot);
            metrics.counter("ferry.snapshot.policy.runs", "outcome", "started").increment();
        } finally {
            MDC.remove("backupId");
        }
    }

    /**
     * Leaves a run that would take one snapshot too many of a PVC's disk for a later tick: its fire
     * time is not recorded, so it stays due and starts on the first tick after the window allows
     * (or, if the next fire time comes first, that one's run does: they coalesce as missed runs do).
     * Logged and counted once per fire time; {@code Scheduled=False} says what it waits for.
     */
    private void delay(BackupPolicy policy, Instant slot, PolicyStatus status, BackupRefused e, Instant now) {
        String waits = "The run for the fire time " + slot + " waits for Azure's snapshot limit: " + String.join("; ", e.details());
        if (!slot.equals(delayed.put(key(policy.ref()), slot))) {
            LOG.infof("BackupPolicy %s: the run for fire time %s is delayed: %s", policy.ref(), slot, e.getMessage());
            metrics.counter(BackupAdmission.RATE_LIMITED_METRIC, "trigger", REQUESTED_BY).increment();
        } else {
            LOG.debugf("BackupPolicy %s: the run for fire time %s still waits: %s", policy.ref(), slot, e.getMessage());
        }
        // The message names when the next snapshot is allowed, not how long that is: it changes only with the cluster's snapshots.
        PolicyStatus waiting = status.with(condition(PolicyCondition.SCHEDULED, false, e.code(), waits, policy, now));
        if (!waiting.sameAs(policy.status())) {
            write(policy.ref(), waiting);
        }
    }

    private BackupRequested request(BackupPolicy policy, String backupId, Instant now) {
        String namespace = policy.namespace();
        Map<String, String> labelSelector = null;
        List<String> pvcNames = null;
        Optional<Map<String, String>> equality = policy.selector().asEquality();
        if (equality.isPresent()) {
            labelSelector = equality.get().isEmpty() ? null : equality.get();
        } else {
            if (!volumes.namespaceExists(namespace)) {
                throw new BackupRefused(Reason.NAMESPACE_NOT_FOUND, "Namespace " + namespace + " does not exist on cluster "
                        + config.cluster() + ".");
            }
            pvcNames = volumes.claims(namespace, Map.of()).stream()
                    .filter(claim -> policy.selector().matches(claim.labels()))
                    .map(Claim::name)
                    .sorted()
                    .toList();
            if (pvcNames.isEmpty()) {
                throw new BackupRefused(Reason.NO_MATCHING_PVC, "No PVC in namespace " + namespace + " matches the selector "
                        + policy.selector() + ".");
            }
        }
        return new BackupRequested(FerryEvent.SCHEMA_VERSION, backupId, backupId, config.cluster(), namespace, pvcNames, labelSelector,
                policy.ref().name(), policy.strategy(), policy.copySpeed(), target(policy.target()), REQUESTED_BY, now);
    }

    /** The policy's target, each missing field from {@code ferry.target.*}; null when the policy names none. */
    private DrTarget target(PolicyTarget target) {
        if (target == null || target.isEmpty()) {
            return null;
        }
        SnapshotConfig.Target defaults = config.target();
        String region = target.region() != null ? target.region() : defaults.region().orElse(null);
        String group = target.resourceGroup() != null ? target.resourceGroup() : defaults.resourceGroup().orElse(null);
        // The policy's own id was checked when it was read, the configured one when the service started.
        ArmResourceId accountId = target.stagingStorageAccountId() != null ? ArmResourceId.parse(target.stagingStorageAccountId())
                : defaults.stagingStorageAccountId().orElse(null);
        if (region == null || group == null || accountId == null) {
            throw new BackupRefused(Reason.TARGET_NOT_ALLOWED, "The policy's target lacks a region, resource group or staging"
                    + " account and ferry.target.* does not supply it.");
        }
        String subscription = defaults.subscriptionId().orElse(accountId.subscriptionId());
        return new DrTarget(AzureRegion.normalize(region), subscription, group, accountId);
    }

    /** Writes the status and, once the API server has it, remembers it; returns false if the policy is gone. */
    private boolean write(PolicyRef ref, PolicyStatus status) {
        if (!policies.writeStatus(ref, status)) {
            LOG.debugf("BackupPolicy %s is gone; its status was not written", ref);
            return false;
        }
        written.put(key(ref), new Written(status.lastScheduleTime(), status));
        return true;
    }

    private static PolicyCondition condition(String type, boolean status, String reason, String message, BackupPolicy policy,
                                             Instant now) {
        return new PolicyCondition(type, status ? "True" : "False", reason, message, now, policy.generation());
    }

    private static String key(PolicyRef ref) {
        return ref.namespace() + "/" + ref.name() + "/" + ref.uid();
    }
}
