package dev.ferry.snapshot;

import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.snapshot.SourceSnapshots.SourceSnapshotInfo;
import dev.ferry.snapshot.VolumeSnapshotter.ContentState;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotRequest;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import dev.ferry.snapshot.config.SnapshotConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Executes an admitted backup run, whatever started it: take one CSI VolumeSnapshot per PVC (all
 * created before any is waited for, so they are as close in time as the cluster allows), wait for
 * each to become ready within the configured bound, read the Azure snapshot behind it and its
 * predecessor, and announce each volume with {@code SnapshotTaken}. A volume that fails is
 * announced with {@code StepFailed} and does not hold up the others.
 *
 * <p>Idempotent: the VolumeSnapshot's name derives from the backupId and the PVC's uid, so a
 * repeated request finds what it made instead of making more.
 */
@ApplicationScoped
public class BackupService {

    private static final Logger LOG = Logger.getLogger(BackupService.class);

    /** Why one volume could not be snapshotted, in step.failed terms. */
    static final class VolumeFailed extends RuntimeException {
        final String code;
        final boolean retryable;

        VolumeFailed(String code, String message, boolean retryable) {
            super(message);
            this.code = code;
            this.retryable = retryable;
        }
    }

    private final SnapshotConfig config;
    private final VolumeSnapshotter snapshotter;
    private final SourceSnapshots sourceSnapshots;
    private final BackupEvents events;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final ExecutorService background;

    public BackupService(SnapshotConfig config, VolumeSnapshotter snapshotter, SourceSnapshots sourceSnapshots, BackupEvents events,
                         MeterRegistry metrics, Clock clock) {
        this.config = config;
        this.snapshotter = snapshotter;
        this.sourceSnapshots = sourceSnapshots;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.background = Executors.newFixedThreadPool(Math.max(1, config.runs().maxConcurrent()), task -> {
            Thread thread = new Thread(task, "ferry-backup-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        background.shutdownNow();
    }

    /** Executes an admitted run off the caller's thread, with bounded concurrency. */
    public void executeInBackground(BackupRun run) {
        executeInBackground(run, () -> {
        });
    }

    /**
     * Executes an admitted run off the caller's thread, with bounded concurrency, then {@code after}
     * (a policy's retention) on the same thread once every volume is announced.
     */
    public void executeInBackground(BackupRun run, Runnable after) {
        background.submit(() -> {
            try {
                execute(run);
                after.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "backup %s stopped unexpectedly", run.backupId());
            }
        });
    }

    /** Executes an admitted run and returns when every volume is announced as taken or failed. */
    public void execute(BackupRun run) {
        MDC.put("backupId", run.backupId());
        try {
            LOG.infof("backup of %d PVC(s) in namespace %s starts", run.volumeCount(), run.namespace());
            Map<String, SnapshotState> snapshots = new LinkedHashMap<>();
            for (Claim claim : run.claims()) {
                inVolume(run, claim, () -> snapshots.put(claim.uid(), ensureSnapshot(run, claim)));
            }
            Instant deadline = clock.instant().plus(config.snapshot().readyTimeout());
            for (Claim claim : run.claims()) {
                SnapshotState snapshot = snapshots.get(claim.uid());
                if (snapshot != null) {
                    inVolume(run, claim, () -> announce(run, claim, snapshot, deadline));
                }
            }
            run.snapshotsDone(clock.instant());
            LOG.infof("backup snapshots done: %s", run.state());
        } finally {
            MDC.remove("backupId");
        }
    }

    // ---- one volume ------------------------------------------------------------------------------

    private void inVolume(BackupRun run, Claim claim, Runnable step) {
        MDC.put("volume", claim.namespace() + "/" + claim.name());
        try {
            step.run();
        } catch (VolumeFailed e) {
            fail(run, claim, e.code, e.getMessage(), e.retryable);
        } catch (AzureCallFailed e) {
            fail(run, claim, e.code(), e.getMessage(), e.retryable());
        } catch (InvalidEventException e) {
            fail(run, claim, "InvalidEvent", "SnapshotTaken would break the contract: " + e.getMessage(), false);
        } catch (RuntimeException e) {
            LOG.errorf(e, "snapshot step failed unexpectedly");
            fail(run, claim, "Unexpected", e.getClass().getSimpleName() + ": " + e.getMessage(), true);
        } finally {
            MDC.remove("volume");
        }
    }

    /** Finds this backup's VolumeSnapshot of the claim or creates it. */
    private SnapshotState ensureSnapshot(BackupRun run, Claim claim) {
        String name = SnapshotNames.volumeSnapshot(run.backupId(), claim.uid());
        Optional<SnapshotState> existing = snapshotter.find(claim.namespace(), name);
        SnapshotState snapshot = existing.orElseGet(() -> snapshotter.create(new SnapshotRequest(claim.namespace(), name, claim.name(),
                config.snapshot().className(), labels(run, claim), annotations(run, claim))));
        if (!run.backupId().equals(snapshot.label(FerryLabels.BACKUP_ID)) || !claim.uid().equals(snapshot.label(FerryLabels.PVC_UID))) {
            throw new VolumeFailed("SnapshotNameTaken", "VolumeSnapshot " + claim.namespace() + "/" + name
                    + " exists but does not belong to backup " + run.backupId() + " and PVC uid " + claim.uid() + ".", false);
        }
        LOG.infof(existing.isPresent() ? "VolumeSnapshot %s already exists" : "created VolumeSnapshot %s", name);
        run.snapshotting(claim.uid(), name, clock.instant());
        return snapshot;
    }

    /** Waits for the snapshot, reads it in Azure with its predecessor, and sends SnapshotTaken. */
    private void announce(BackupRun run, Claim claim, SnapshotState created, Instant deadline) {
        long started = System.nanoTime();
        SnapshotState snapshot = awaitReady(claim, created, deadline);
        ContentState content = snapshotter.content(snapshot.contentName()).orElseThrow();
        metrics.timer("ferry.snapshot.ready.duration").record(Duration.ofNanos(System.nanoTime() - started));
        SourceSnapshotInfo info = sourceSnapshots.describe(content.snapshotHandle()).orElseThrow(() -> new VolumeFailed(
                "SourceSnapshotNotFound", "Azure snapshot " + content.snapshotHandle() + " of VolumeSnapshot " + snapshot.name()
                + " does not exist.", false));
        String diskId = content.volumeHandle() != null ? content.volumeHandle() : claim.volumeHandle();
        Optional<Previous> base = previousSnapshot(claim, snapshot, diskId, info);
        ArmResourceId previous = base.map(Previous::snapshotId).orElse(null);
        Instant takenAt = info.timeCreated() != null ? info.timeCreated() : snapshot.created() != null ? snapshot.created() : clock.instant();
        long size = info.sizeBytes() > 0 ? info.sizeBytes() : claim.toPvcSpec().capacityBytes();
        VolumeBackup volume = new VolumeBackup(run.policy(), config.cluster(), claim.namespace(), claim.toPvcSpec(),
                run.volumeIndex(claim.uid()), run.volumeCount(),
                new SourceSnapshot(ArmResourceId.parse(content.snapshotHandle()), ArmResourceId.parse(diskId), info.region(), size,
                        info.incremental(), previous),
                run.target(), run.strategy(), takenAt);
        events.snapshotTaken(new SnapshotTaken(FerryEvent.SCHEMA_VERSION, run.backupId(), run.correlationId(), volume));
        run.taken(claim.uid(), volume, base.map(Previous::volumeSnapshot).orElse(null), clock.instant());
        metrics.counter("ferry.snapshot.volumes", "outcome", "taken").increment();
        LOG.infof("snapshot %s taken (%d bytes, incremental %s, previous %s)", content.snapshotHandle(), size, info.incremental(), previous);
    }

    private SnapshotState awaitReady(Claim claim, SnapshotState created, Instant deadline) {
        SnapshotState snapshot = created;
        while (true) {
            boolean late = !clock.instant().isBefore(deadline);
            if (late && snapshot == created) {
                // The wait for an earlier volume used the time up: one fresh look before giving up on this one.
                snapshot = reread(claim, snapshot.name());
            }
            if (snapshot.error() != null) {
                throw new VolumeFailed("SnapshotFailed", "VolumeSnapshot " + claim.namespace() + "/" + snapshot.name() + " of PVC "
                        + claim.name() + " failed: " + snapshot.error(), false);
            }
            if (snapshot.readyToUse() && snapshot.contentName() != null) {
                Optional<ContentState> content = snapshotter.content(snapshot.contentName());
                if (content.isPresent() && content.get().snapshotHandle() != null) {
                    return snapshot;
                }
            }
            if (late) {
                throw new VolumeFailed("SnapshotNotReady", "VolumeSnapshot " + claim.namespace() + "/" + snapshot.name() + " of PVC "
                        + claim.name() + " was not readyToUse within " + config.snapshot().readyTimeout() + ".", true);
            }
            pause(config.snapshot().pollInterval());
            snapshot = reread(claim, snapshot.name());
        }
    }

    private SnapshotState reread(Claim claim, String name) {
        return snapshotter.find(claim.namespace(), name).orElseThrow(() -> new VolumeFailed("SnapshotDeleted",
                "VolumeSnapshot " + claim.namespace() + "/" + name + " was deleted while the backup waited for it.", true));
    }

    /** The base of an incremental transfer: the Azure snapshot and the VolumeSnapshot it belongs to. */
    private record Previous(ArmResourceId snapshotId, String volumeSnapshot) {
    }

    /**
     * The PVC's snapshots that may be the base of {@code current}, newest first: requested earlier,
     * ready, not failed, and not being deleted (a snapshot with a deletionTimestamp may still report
     * ready, but its Azure snapshot is about to go).
     */
    static List<SnapshotState> baseCandidates(List<SnapshotState> history, SnapshotState current) {
        Instant mine = BackupRuns.requestedAt(current);
        return history.stream()
                .filter(s -> !s.name().equals(current.name()))
                .filter(s -> s.readyToUse() && s.contentName() != null && s.error() == null && !s.terminating())
                .filter(s -> BackupRuns.requestedAt(s).isBefore(mine))
                .sorted(Comparator.comparing(BackupRuns::requestedAt).thenComparing(SnapshotState::name).reversed())
                .toList();
    }

    /**
     * The newest earlier Ferry snapshot of the same disk whose content is ready and whose Azure
     * snapshot still exists in the same incremental family: the base of an incremental transfer.
     */
    private Optional<Previous> previousSnapshot(Claim claim, SnapshotState current, String diskId, SourceSnapshotInfo currentInfo) {
        List<SnapshotState> history = snapshotter.list(claim.namespace(), Map.of(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE,
                FerryLabels.PVC_UID, claim.uid()));
        for (SnapshotState candidate : baseCandidates(history, current)) {
            Optional<ContentState> content = snapshotter.content(candidate.contentName());
            if (content.isEmpty() || content.get().snapshotHandle() == null || content.get().volumeHandle() == null
                    || !content.get().volumeHandle().equalsIgnoreCase(diskId)) {
                continue;
            }
            Optional<SourceSnapshotInfo> info = sourceSnapshots.describe(content.get().snapshotHandle());
            if (info.isEmpty()) {
                continue;
            }
            if (currentInfo.familyId() != null && info.get().familyId() != null
                    && !currentInfo.familyId().equalsIgnoreCase(info.get().familyId())) {
                continue;
            }
            if (info.get().id().equalsIgnoreCase(currentInfo.id())) {
                continue;
            }
            return Optional.of(new Previous(ArmResourceId.parse(content.get().snapshotHandle()), candidate.name()));
        }
        return Optional.empty();
    }

    private void fail(BackupRun run, Claim claim, String code, String message, boolean retryable) {
        LOG.errorf("snapshot of PVC %s/%s failed: %s: %s", claim.namespace(), claim.name(), code, message);
        run.failed(claim.uid(), Step.SNAPSHOT.wireName(), code, message, clock.instant());
        metrics.counter("ferry.snapshot.volumes", "outcome", "failed").increment();
        try {
            // No volume block: it needs the Azure snapshot this step did not get. The reason names the PVC.
            events.stepFailed(new StepFailed(FerryEvent.SCHEMA_VERSION, run.backupId(), null, run.correlationId(), Step.SNAPSHOT, code,
                    "PVC " + claim.namespace() + "/" + claim.name() + " (uid " + claim.uid() + "): " + message, retryable, 1, null,
                    null, null, clock.instant()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not announce the failure of PVC %s/%s", claim.namespace(), claim.name());
        }
    }

    private static Map<String, String> labels(BackupRun run, Claim claim) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE);
        labels.put(FerryLabels.BACKUP_ID, run.backupId());
        labels.put(FerryLabels.PVC_UID, claim.uid());
        if (claim.name().length() <= FerryLabels.MAX_LABEL_VALUE) {
            labels.put(FerryLabels.PVC, claim.name());
        }
        if (run.policy().length() <= FerryLabels.MAX_LABEL_VALUE) {
            labels.put(FerryLabels.POLICY, run.policy());
        }
        return labels;
    }

    private static Map<String, String> annotations(BackupRun run, Claim claim) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(FerryLabels.PVC, claim.name());
        annotations.put(FerryLabels.POLICY, run.policy());
        annotations.put(FerryLabels.POLICY_REF, run.policyRef());
        annotations.put(FerryLabels.REQUESTED_AT, run.requestedAt().toString());
        annotations.put(FerryLabels.CORRELATION_ID, run.correlationId());
        annotations.put(FerryLabels.VOLUME_INDEX, Integer.toString(run.volumeIndex(claim.uid())));
        annotations.put(FerryLabels.VOLUME_COUNT, Integer.toString(run.volumeCount()));
        annotations.put(FerryLabels.STRATEGY, run.strategy().wireName());
        return annotations;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VolumeFailed("Interrupted", "interrupted while waiting for the snapshot", true);
        }
    }
}
