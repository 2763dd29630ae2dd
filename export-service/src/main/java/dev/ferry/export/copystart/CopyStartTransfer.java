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
import dev.ferry.export.copystart.RegionCopies.StartCopy;
import dev.ferry.support.step.StepRefused;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The {@code copy-start} strategy: Azure copies the incremental source snapshot to region B itself
 * ({@code createOption=CopyStart}), so no byte passes through Ferry and import-service is not
 * involved. The region-B snapshot gets the same derived name and tags as an imported one; a
 * redelivery, on this replica or another, finds it by that name in the queue's listing and follows
 * the copy under way instead of starting another. The copies wait their turn in the {@link CopyQueue}.
 * Nothing is read per copy: the event says whether the source is incremental, and Azure's answer to
 * the CopyStart says whether it still exists.
 */
public final class CopyStartTransfer {

    private final SourceAllowList sources;
    private final List<ResourceGroupId> targetGroups;
    private final boolean enhancedByDefault;
    private final CopyQueue queue;
    private final Clock clock;

    /**
     * @param targetGroups the region-B resource groups copies may be made in
     * @param enhancedByDefault whether copies ask for Azure's Enhanced copy speed when the event names no speed
     */
    public CopyStartTransfer(SourceAllowList sources, List<ResourceGroupId> targetGroups, boolean enhancedByDefault,
                             CopyQueue queue, Clock clock) {
        this.sources = sources;
        this.targetGroups = List.copyOf(targetGroups);
        this.enhancedByDefault = enhancedByDefault;
        this.queue = queue;
        this.clock = clock;
    }

    /**
     * Checks the event, then starts the copy (when Azure's limits allow) or follows the one under way.
     *
     * @param progress hears {@code TransferProgressed} built from Azure's {@code completionPercent}
     * @return completes with the {@code SnapshotRecreated} of the finished copy, or fails with a {@link StepRefused}
     *         (never worth another attempt, e.g. {@code CopySourceNotFound}, {@code SnapshotNameTaken}) or an
     *         {@link dev.ferry.support.azure.AzureCallFailed} (Azure's own refusal, e.g. {@code BadRequest} for a source that is not incremental)
     * @throws StepRefused if the event is outside the allow-lists or names a full (not incremental) snapshot
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
        CopyQueue.Job job = queue.enqueue(new CopyQueue.Job(request, source.previousSnapshotId(), volume.takenAt(), enqueued, heard));
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
