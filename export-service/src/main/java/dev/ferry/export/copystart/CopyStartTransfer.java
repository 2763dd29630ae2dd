package dev.ferry.export.copystart;

import dev.ferry.events.CopySpeed;
import dev.ferry.events.DrTarget;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.RegionSnapshotNames;
import dev.ferry.events.RegionSnapshotTags;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.TransferStats;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.export.SourceAllowList;
import dev.ferry.export.SourceSnapshots;
import dev.ferry.export.copystart.RegionCopies.StartCopy;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.step.StepRefused;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The {@code copy-start} strategy: Azure copies the incremental source snapshot to region B itself
 * ({@code createOption=CopyStart}), so no byte passes through Ferry and import-service is not
 * involved. The region-B snapshot gets the same derived name and tags as an imported one; a
 * redelivery, on this replica or another, finds it by that name and follows the copy under way
 * instead of starting another. The copies wait their turn in the {@link CopyQueue}.
 */
public final class CopyStartTransfer {

    private static final Logger LOG = Logger.getLogger(CopyStartTransfer.class);

    private final SourceAllowList sources;
    private final List<ResourceGroupId> targetGroups;
    private final boolean enhancedByDefault;
    private final SourceSnapshots sourceSnapshots;
    private final RegionCopies copies;
    private final CopyQueue queue;
    private final Clock clock;

    /**
     * @param targetGroups the region-B resource groups copies may be made in
     * @param enhancedByDefault whether copies ask for Azure's Enhanced copy speed when the event names no speed
     */
    public CopyStartTransfer(SourceAllowList sources, List<ResourceGroupId> targetGroups, boolean enhancedByDefault,
                             SourceSnapshots sourceSnapshots, RegionCopies copies, CopyQueue queue, Clock clock) {
        this.sources = sources;
        this.targetGroups = List.copyOf(targetGroups);
        this.enhancedByDefault = enhancedByDefault;
        this.sourceSnapshots = sourceSnapshots;
        this.copies = copies;
        this.queue = queue;
        this.clock = clock;
    }

    /**
     * Checks the event, then starts the copy (when Azure's limits allow) or follows the one under way.
     *
     * @param progress hears {@code TransferProgressed} built from Azure's {@code completionPercent}
     * @return completes with the {@code SnapshotRecreated} of the finished copy, or fails with a {@link StepRefused}
     *         (never worth another attempt, e.g. {@code CopySourceNotFound}) or an {@link AzureCallFailed}
     * @throws StepRefused     if the event is outside the allow-lists or names a full (not incremental) snapshot
     * @throws AzureCallFailed if Azure cannot be asked about the source or the target
     */
    public CompletableFuture<SnapshotRecreated> transfer(SnapshotTaken taken, Consumer<TransferProgressed> progress) {
        VolumeBackup volume = taken.volume();
        SourceSnapshot source = volume.source();
        ResourceGroupId group = admit(volume);
        String name = RegionSnapshotNames.of(taken.backupId(), volume.pvc().uid());
        Instant enqueued = clock.instant();
        boolean enhanced = volume.copySpeed() != null ? volume.copySpeed() == CopySpeed.ENHANCED : enhancedByDefault;
        CopyQueue.Progress heard = progress(taken, progress);
        StartCopy request = new StartCopy(group, name, volume.target().region(), source.snapshotId(), enhanced,
                RegionSnapshotTags.of(taken.backupId(), volume, RegionSnapshotTags.BY_COPY_START));
        Optional<RegionCopy> existing = copies.find(group, name);
        CopyQueue.Job job;
        if (existing.isPresent()) {
            RegionCopy copy = existing.get();
            if (!RegionSnapshotTags.belongsTo(copy.tags(), taken.backupId(), volume.pvc().uid())) {
                throw new StepRefused("SnapshotNameTaken", "Snapshot " + copy.id() + " exists but belongs to backup "
                        + copy.tags().get(RegionSnapshotTags.BACKUP_ID) + ", not to this one.");
            }
            LOG.infof("Azure's copy to %s is under way (%.1f%%); following it", name, copy.completionPercent());
            job = queue.follow(new CopyQueue.Job(request, source.previousSnapshotId(), copy.familyId(), volume.takenAt(), enqueued,
                    heard));
        } else {
            SourceSnapshots.Facts facts = sourceSnapshots.find(source.snapshotId())
                    .orElseThrow(() -> new StepRefused("CopySourceNotFound", "The source snapshot " + source.snapshotId().name()
                            + " no longer exists; Azure cannot copy it."));
            if (!facts.incremental()) {
                throw notIncremental(source);
            }
            job = queue.enqueue(new CopyQueue.Job(request, source.previousSnapshotId(), facts.familyId(), volume.takenAt(), enqueued,
                    heard));
        }
        return job.done().thenApply(finished -> recreated(taken, finished, job.startedAt() != null ? job.startedAt() : enqueued));
    }

    /** The allow-lists, and Azure's rule that only incremental snapshots are copied; returns the target group. */
    ResourceGroupId admit(VolumeBackup volume) {
        SourceSnapshot source = volume.source();
        sources.check(source.snapshotId(), "Snapshots");
        if (!source.incremental()) {
            throw notIncremental(source);
        }
        DrTarget target = volume.target();
        ResourceGroupId group = new ResourceGroupId(target.subscriptionId(), target.resourceGroup());
        if (!targetGroups.contains(group)) {
            throw new StepRefused("TargetResourceGroupNotAllowed", "Resource group " + target.resourceGroup()
                    + " of subscription " + target.subscriptionId() + " is not a configured target resource group"
                    + " (ferry.target-resource-groups).");
        }
        return group;
    }

    private static StepRefused notIncremental(SourceSnapshot source) {
        return new StepRefused("CopyStartNeedsIncrementalSnapshot", "Snapshot " + source.snapshotId().name()
                + " is a full snapshot; Azure's copy-start copies only incremental snapshots. Use the snapshot class's"
                + " incremental parameter, or the vhd-full or vhd-incremental strategy.");
    }

    /** The job's progress as {@code TransferProgressed}: bytes from Azure's completion percent, or why it waits. */
    private CopyQueue.Progress progress(SnapshotTaken taken, Consumer<TransferProgressed> progress) {
        return new CopyQueue.Progress() {
            @Override
            public void copying(double percent) {
                long total = taken.volume().source().sizeBytes();
                progress.accept(progressed(taken, Math.min(total, Math.round(total * percent / 100.0)), null));
            }

            @Override
            public void waiting(String reason) {
                progress.accept(progressed(taken, 0, reason));
            }
        };
    }

    private TransferProgressed progressed(SnapshotTaken taken, long done, String waitingFor) {
        VolumeBackup volume = taken.volume();
        return new TransferProgressed(FerryEvent.SCHEMA_VERSION, taken.backupId(), taken.correlationId(), volume.namespace(),
                volume.pvc().name(), volume.source().diskId(), volume.source().snapshotId(), TransferStats.ENGINE_COPY_START,
                done, volume.source().sizeBytes(), waitingFor, clock.instant());
    }

    /**
     * The event of a finished copy. Azure copies only what changed since the family's previous copy in the
     * region, so the transfer is a diff from the event's previous snapshot when that one was copied there too.
     */
    private SnapshotRecreated recreated(SnapshotTaken taken, CopyQueue.Finished finished, Instant started) {
        VolumeBackup volume = taken.volume();
        RegionCopy copy = finished.copy();
        Instant completed = clock.instant();
        ArmResourceId previous = volume.source().previousSnapshotId();
        boolean diff = finished.previousCopied();
        TransferStats stats = new TransferStats(TransferStats.ENGINE_COPY_START, diff ? TransferStats.MODE_DIFF : TransferStats.MODE_FULL,
                diff ? previous : null, null, 0, volume.source().sizeBytes(), Duration.between(started, completed).toMillis(), started,
                completed, diff ? null : previous == null ? "no-previous-snapshot" : "no-replica");
        long size = copy.sizeBytes() > 0 ? copy.sizeBytes() : volume.source().sizeBytes();
        return new SnapshotRecreated(FerryEvent.SCHEMA_VERSION, taken.backupId(), taken.correlationId(), volume, copy.id(), size,
                "copy-start", stats, null, completed);
    }
}
