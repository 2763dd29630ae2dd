package dev.ferry.snapshot;

import dev.ferry.events.BackupRequested;
import dev.ferry.events.DrTarget;
import dev.ferry.events.RecoveryObjectives;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.AzureRegion;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.snapshot.BackupRefused.Reason;
import dev.ferry.snapshot.config.SnapshotConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns a backup request, whatever sent it, into a planned run or a refusal: checks the request,
 * resolves its PVCs (skipping those that cannot be backed up, with the reason), its DR target and
 * its transfer strategy, keeps Azure's limit on snapshots per disk, and registers the run. Creates
 * nothing in the cluster and starts nothing.
 *
 * <p>Created at start ({@code @Startup}), so that a snapshot limit that makes no sense stops the
 * service there.
 */
@Startup
@ApplicationScoped
public class BackupAdmission {

    /** The policy name of one-off backups (REST and Kafka requests without a policy). */
    public static final String MANUAL_POLICY = "manual";
    /**
     * Counts the requests refused or runs delayed because a PVC's disk had its fill of snapshots, by
     * {@code trigger}: {@code rest}, {@code kafka}, {@code schedule}.
     */
    public static final String RATE_LIMITED_METRIC = "ferry.snapshot.rate.limited";
    private static final Logger LOG = Logger.getLogger(BackupAdmission.class);

    /** What {@link #admit} did: the run, and whether it is new (to be executed) or was already known. */
    public record Admitted(BackupRun run, boolean isNew) {
    }

    private final SnapshotConfig config;
    private final ClusterVolumes volumes;
    private final VolumeSnapshotter snapshotter;
    private final BackupRuns runs;
    private final MeterRegistry metrics;
    private final SnapshotRateLimit rateLimit;
    /** Counting a PVC's snapshots and registering the run that adds one are one step, or two requests could both fit. */
    private final Object admitting = new Object();

    public BackupAdmission(SnapshotConfig config, ClusterVolumes volumes, VolumeSnapshotter snapshotter, BackupRuns runs,
                           MeterRegistry metrics, Clock clock) {
        this.config = config;
        this.volumes = volumes;
        this.snapshotter = snapshotter;
        this.runs = runs;
        this.metrics = metrics;
        this.rateLimit = SnapshotRateLimit.of(config.snapshot().rateLimit(), clock);
    }

    /**
     * Checks a request and plans its run: which PVCs, which are skipped and why, which target and
     * strategy. A request whose backupId is already running or done returns that run.
     *
     * @throws BackupRefused if the request cannot be carried out as asked
     */
    public Admitted admit(BackupRequested request) {
        return admit(request, null);
    }

    /**
     * As {@link #admit(BackupRequested)}, for a run of a BackupPolicy.
     *
     * @param policyRef {@code <namespace>/<name>} of the BackupPolicy whose run this is; null for a
     *                  REST or Kafka request, whose snapshots are then the requested namespace's
     *                  {@code policy} (so a policy elsewhere with the same name never owns them)
     */
    public Admitted admit(BackupRequested request, String policyRef) {
        return admit(request, policyRef, null);
    }

    /**
     * As {@link #admit(BackupRequested, String)}, for a run of a BackupPolicy that states recovery objectives.
     *
     * @param objectives the policy's {@code rpoTarget} and {@code rtoTarget}, carried with each volume to region B
     */
    public Admitted admit(BackupRequested request, String policyRef, RecoveryObjectives objectives) {
        check(request);
        String policy = request.policy() == null ? MANUAL_POLICY : request.policy();
        Optional<BackupRun> known = runs.inMemory(request.backupId()).filter(run -> !run.isRebuilt());
        if (known.isPresent()) {
            if (!known.get().sameRequest(request.namespace(), request.pvcNames(), request.labelSelector(), policy)) {
                throw new BackupRefused(Reason.BACKUP_ID_CONFLICT, "Backup " + request.backupId()
                        + " exists and was asked for something else (namespace " + known.get().namespace() + ").");
            }
            return new Admitted(known.get(), false);
        }
        DrTarget target = target(request.target());
        TransferStrategy strategy = request.strategy() != null ? request.strategy()
                : config.transfer().strategy();
        if (request.copySpeed() != null && strategy != TransferStrategy.COPY_START) {
            throw new BackupRefused(Reason.INVALID_REQUEST, "The backup request is invalid.", List.of("copySpeed: applies only to"
                    + " the copy-start strategy, and this backup uses " + strategy.wireName()));
        }
        String namespace = request.namespace();
        if (!volumes.namespaceExists(namespace)) {
            throw new BackupRefused(Reason.NAMESPACE_NOT_FOUND, "Namespace " + namespace + " does not exist on cluster "
                    + config.cluster() + ".");
        }
        List<Claim> eligible = new ArrayList<>();
        List<BackupRun.Skipped> skipped = new ArrayList<>();
        for (Claim claim : claims(request)) {
            Optional<String> why = claim.ineligibility();
            if (why.isPresent()) {
                skipped.add(new BackupRun.Skipped(claim.name(), why.get()));
            } else {
                eligible.add(claim);
            }
        }
        if (eligible.isEmpty()) {
            throw new BackupRefused(Reason.NO_ELIGIBLE_PVC, "No PVC of the request in namespace " + namespace
                    + " is a Bound volume of " + Claim.AZURE_DISK_DRIVER + ".",
                    skipped.stream().map(s -> s.pvc() + ": " + s.reason()).toList());
        }
        BackupRun run = BackupRun.plan(request.backupId(), request.correlationId(), namespace, policy,
                policyRef != null ? policyRef : namespace + "/" + policy, strategy, request.copySpeed(), target,
                request.requestedAt(), request.requestedBy(), request.pvcNames(), request.labelSelector(), eligible, skipped, objectives);
        BackupRun registered;
        synchronized (admitting) {
            keepSnapshotLimit(request.backupId(), namespace, eligible);
            registered = runs.register(run);
        }
        if (registered != run) {
            return new Admitted(registered, false);
        }
        skipped.forEach(s -> LOG.infof("backup %s skips PVC %s/%s: %s", run.backupId(), namespace, s.pvc(), s.reason()));
        metrics.counter("ferry.snapshot.volumes", "outcome", "skipped").increment(skipped.size());
        return new Admitted(run, true);
    }

    /**
     * Refuses the run, before anything is created, if it would take one snapshot too many of any of
     * its PVCs' disks within the window. Counted per PVC: its VolumeSnapshots in the cluster (Ferry's
     * and anyone's, by when they were taken: {@code status.creationTime}, else {@code creationTimestamp}),
     * and the snapshots runs admitted here are yet to create (as taken now). A PVC whose snapshot of
     * this backupId exists already needs no new one (a resumed run).
     */
    private void keepSnapshotLimit(String backupId, String namespace, List<Claim> eligible) {
        // The planned ones first: a snapshot created between the two reads is then counted twice, never missed.
        List<BackupRun.PlannedSnapshot> planned = runs.plannedSnapshots(namespace);
        List<VolumeSnapshotter.SnapshotState> existing = snapshotter.list(namespace, Map.of());
        Set<String> inCluster = new HashSet<>();
        Map<String, List<Instant>> taken = new HashMap<>();
        for (VolumeSnapshotter.SnapshotState snapshot : existing) {
            inCluster.add(snapshot.name());
            if (snapshot.pvcName() != null) {
                taken.computeIfAbsent(snapshot.pvcName(), pvc -> new ArrayList<>()).add(snapshot.created());
            }
        }
        for (BackupRun.PlannedSnapshot snapshot : planned) {
            if (!inCluster.contains(snapshot.name())) {
                // Null: not taken yet, so it counts as taken now.
                taken.computeIfAbsent(snapshot.pvc(), pvc -> new ArrayList<>()).add(null);
            }
        }
        List<String> limited = new ArrayList<>();
        List<String> details = new ArrayList<>();
        SnapshotRateLimit.Verdict longest = null;
        for (Claim claim : eligible) {
            if (inCluster.contains(SnapshotNames.volumeSnapshot(backupId, claim.uid()))) {
                continue;
            }
            SnapshotRateLimit.Verdict verdict = rateLimit.next(taken.getOrDefault(claim.name(), List.of()));
            if (!verdict.allowed()) {
                limited.add(claim.name());
                details.add(claim.name() + ": " + verdict.inWindow() + " snapshots in the last " + window()
                        + "; the next is allowed at " + verdict.allowedAt());
                if (longest == null || verdict.allowedAt().isAfter(longest.allowedAt())) {
                    longest = verdict;
                }
            }
        }
        if (longest != null) {
            String pvcs = limited.stream().map(pvc -> namespace + "/" + pvc).collect(Collectors.joining(", "));
            throw new BackupRefused(Reason.SNAPSHOT_RATE_LIMITED, "Azure takes at most " + rateLimit.maxSnapshots()
                    + " snapshots of a disk in " + window() + (limited.size() == 1 ? ", and the disk of PVC " + pvcs + " has"
                    : ", and the disks of PVCs " + pvcs + " have") + " had that many. Nothing was created; the same request"
                    + " can be made in " + longest.retryAfter().toSeconds() + " s (at " + longest.allowedAt() + ").", details,
                    longest.retryAfter());
        }
    }

    /** The window in the words of a message: {@code 5 min}, {@code 30 s}. */
    private String window() {
        long seconds = rateLimit.window().toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    private static void check(BackupRequested request) {
        List<String> problems = new ArrayList<>();
        try {
            request.validate();
        } catch (InvalidEventException e) {
            e.violations().forEach(v -> problems.add(v.toString()));
        }
        if (request.labelSelector() != null) {
            problems.addAll(LabelSelector.problems(request.labelSelector()));
        }
        if (!problems.isEmpty()) {
            throw new BackupRefused(Reason.INVALID_REQUEST, "The backup request is invalid.", problems);
        }
    }

    /** The request's PVCs, by name: those it names, or those its selector matches. */
    private List<Claim> claims(BackupRequested request) {
        String namespace = request.namespace();
        List<Claim> claims = new ArrayList<>();
        if (request.pvcNames() != null) {
            List<String> missing = new ArrayList<>();
            for (String name : request.pvcNames().stream().distinct().toList()) {
                volumes.claim(namespace, name).ifPresentOrElse(claims::add, () -> missing.add(name));
            }
            if (!missing.isEmpty()) {
                throw new BackupRefused(Reason.PVC_NOT_FOUND, "Namespace " + namespace + " has no PVC named " + String.join(", ", missing) + ".",
                        missing);
            }
        } else {
            claims.addAll(volumes.claims(namespace, request.labelSelector() == null ? Map.of() : request.labelSelector()));
            if (claims.isEmpty()) {
                throw new BackupRefused(Reason.NO_MATCHING_PVC, request.labelSelector() == null
                        ? "Namespace " + namespace + " has no PVC."
                        : "No PVC in namespace " + namespace + " matches the labels " + request.labelSelector() + ".");
            }
        }
        claims.sort(Comparator.comparing(Claim::name));
        return claims;
    }

    /** The requested target, or the configured one; either must use a configured staging account in its region, if any are. */
    private DrTarget target(DrTarget requested) {
        DrTarget target = requested != null ? requested : configuredTarget().orElseThrow(() -> new BackupRefused(Reason.TARGET_NOT_ALLOWED,
                "The request names no DR target and none is configured (ferry.target.*)."));
        if (!config.stagingAccounts().isEmpty()) {
            var account = config.stagingAccounts().values().stream()
                    .filter(a -> a.id().equals(target.stagingStorageAccountId()))
                    .findFirst()
                    .orElseThrow(() -> new BackupRefused(Reason.TARGET_NOT_ALLOWED, "Storage account "
                            + target.stagingStorageAccountId() + " is not a configured staging account."));
            if (!AzureRegion.same(account.region(), target.region())) {
                throw new BackupRefused(Reason.TARGET_NOT_ALLOWED, "Staging account " + target.stagingStorageAccountId() + " is in "
                        + account.region() + ", not in the target region " + target.region() + ".");
            }
        }
        return target;
    }

    private Optional<DrTarget> configuredTarget() {
        SnapshotConfig.Target t = config.target();
        if (t.region().isEmpty() || t.subscriptionId().isEmpty() || t.resourceGroup().isEmpty() || t.stagingStorageAccountId().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DrTarget(AzureRegion.normalize(t.region().get()), t.subscriptionId().get(), t.resourceGroup().get(),
                t.stagingStorageAccountId().get()));
    }
}
