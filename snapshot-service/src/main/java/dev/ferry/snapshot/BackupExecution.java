package dev.ferry.snapshot;

import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.snapshot.BaseSnapshotFinder.Base;
import dev.ferry.snapshot.SourceSnapshots.SourceSnapshotInfo;
import dev.ferry.snapshot.VolumeSnapshotter.ContentState;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotRequest;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import dev.ferry.snapshot.config.SnapshotConfig;
import dev.ferry.support.messaging.EventPublisher;
import dev.ferry.support.azure.AzureCallFailed;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Executes an admitted backup run on the caller's thread: take one CSI VolumeSnapshot per PVC (all
 * created before any is waited for, so they are as close in time as the cluster allows), wait for
 * each to become ready within the configured bound, read the Azure snapshot behind it and its
 * predecessor, and announce each volume with {@code SnapshotTaken}. A volume that fails is
 * announced with {@code StepFailed} and does not hold up the others.
 *
 * <p>Idempotent: the VolumeSnapshot's name derives from the backupId and the PVC's uid, so a
 * repeated run finds what it made instead of making more.
 */
@ApplicationScoped
public class BackupExecution {

    private static final Logger LOG = Logger.getLogger(BackupExecution.class);

    private final SnapshotConfig config;
    private final VolumeSnapshotter snapshotter;
    private final SourceSnapshots sourceSnapshots;
    private final EventPublisher events;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final SnapshotRequestFactory requests;
    private final SnapshotReadiness readiness;
    private final BaseSnapshotFinder bases;
    private final SnapshotTakenFactory takenFactory;

    public BackupExecution(SnapshotConfig config, VolumeSnapshotter snapshotter, SourceSnapshots sourceSnapshots, EventPublisher events,
                           MeterRegistry metrics, Clock clock) {
        this.config = config;
        this.snapshotter = snapshotter;
        this.sourceSnapshots = sourceSnapshots;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.requests = new SnapshotRequestFactory(config.snapshot().className());
        this.readiness = new SnapshotReadiness(snapshotter, config.snapshot(), clock);
        this.bases = new BaseSnapshotFinder(snapshotter, sourceSnapshots);
        this.takenFactory = new SnapshotTakenFactory(config.cluster(), clock);
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

    private void inVolume(BackupRun run, Claim claim, Runnable step) {
        MDC.put("volume", claim.namespace() + "/" + claim.name());
        try {
            step.run();
        } catch (VolumeFailed e) {
            fail(run, claim, e.code(), e.getMessage(), e.retryable());
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

    /**
     * Creates this backup's VolumeSnapshot of the claim, or finds it when it exists (a resumed run):
     * the create comes first, as a new run is the common case, and a conflict reads what is there.
     */
    private SnapshotState ensureSnapshot(BackupRun run, Claim claim) {
        SnapshotRequest request = requests.request(run, claim);
        String name = request.name();
        SnapshotState snapshot = snapshotter.create(request);
        if (!run.backupId().equals(snapshot.label(FerryLabels.BACKUP_ID)) || !claim.uid().equals(snapshot.label(FerryLabels.PVC_UID))) {
            throw new VolumeFailed("SnapshotNameTaken", "VolumeSnapshot " + claim.namespace() + "/" + name
                    + " exists but does not belong to backup " + run.backupId() + " and PVC uid " + claim.uid() + ".", false);
        }
        LOG.debugf("VolumeSnapshot %s is in place", name);
        run.snapshotting(claim.uid(), name, clock.instant());
        return snapshot;
    }

    /** Waits for the snapshot, reads it in Azure with its predecessor, and sends SnapshotTaken. */
    private void announce(BackupRun run, Claim claim, SnapshotState created, Instant deadline) {
        long started = System.nanoTime();
        SnapshotReadiness.Ready ready = readiness.awaitReady(claim, created, deadline);
        SnapshotState snapshot = ready.snapshot();
        ContentState content = ready.content();
        metrics.timer("ferry.snapshot.ready.duration").record(Duration.ofNanos(System.nanoTime() - started));
        SourceSnapshotInfo info = sourceSnapshots.describe(content.snapshotHandle()).orElseThrow(() -> new VolumeFailed(
                "SourceSnapshotNotFound", "Azure snapshot " + content.snapshotHandle() + " of VolumeSnapshot " + snapshot.name()
                + " does not exist.", false));
        String diskId = content.volumeHandle() != null ? content.volumeHandle() : claim.volumeHandle();
        Optional<Base> base = bases.find(claim, snapshot, diskId, info);
        ArmResourceId previous = base.map(Base::snapshotId).orElse(null);
        SnapshotTaken taken = takenFactory.taken(run, claim, snapshot, content.snapshotHandle(), diskId, info, previous);
        events.publish(taken);
        run.taken(claim.uid(), taken.volume(), base.map(Base::volumeSnapshot).orElse(null), clock.instant());
        metrics.counter("ferry.snapshot.volumes", "outcome", "taken").increment();
        LOG.infof("snapshot %s taken (%d bytes, incremental %s, previous %s)", content.snapshotHandle(),
                taken.volume().source().sizeBytes(), info.incremental(), previous);
    }

    private void fail(BackupRun run, Claim claim, String code, String message, boolean retryable) {
        LOG.errorf("snapshot of PVC %s/%s failed: %s: %s", claim.namespace(), claim.name(), code, message);
        run.failed(claim.uid(), Step.SNAPSHOT.wireName(), code, message, clock.instant());
        metrics.counter("ferry.snapshot.volumes", "outcome", "failed").increment();
        try {
            // No volume block: it needs the Azure snapshot this step did not get. The reason names the PVC.
            events.publish(StepFailed.ofBackup(run.backupId(), run.correlationId(), Step.SNAPSHOT, code,
                    "PVC " + claim.namespace() + "/" + claim.name() + " (uid " + claim.uid() + "): " + message, retryable,
                    null, null, clock.instant()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not announce the failure of PVC %s/%s", claim.namespace(), claim.name());
        }
    }
}
