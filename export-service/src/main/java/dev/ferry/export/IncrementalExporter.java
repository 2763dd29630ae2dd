package dev.ferry.export;

import dev.ferry.events.ReplicaMetadata;
import dev.ferry.events.TransferStats;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ChunkPlan;
import dev.ferry.export.transfer.CopyEngine;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.export.transfer.CopyJob;
import dev.ferry.export.transfer.CopyResult;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.ProgressListener;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.TransferCancelledException;
import dev.ferry.export.transfer.VhdFooter;
import dev.ferry.support.step.StepRefused;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The {@code vhd-incremental} export (DESIGN section 4, ADR 001): one replica page blob per source
 * disk in the staging account is brought to the new snapshot's data, by the managed-disk page diff
 * against the snapshot it holds (its generation) or, when that diff cannot be trusted, by a sparse
 * full copy. {@code VhdExported} names the replica itself; import-service imports that generation
 * from it, keeps it, and marks it imported. The next write into a replica waits for that mark, so an
 * import always reads exactly one generation.
 *
 * <p>The replica's metadata is its state: {@code ferry_generation} names the snapshot whose data it
 * holds entirely (with the figures of the transfer that brought it); {@code ferry_imported} the
 * generation import-service has imported; {@code ferry_pending} the snapshot being written into it
 * now (with the mode and, for a full copy, the reason). The generation moves only once the whole diff
 * or copy is written, so a crash leaves the old one and the next attempt repeats the diff (writing the
 * same bytes again), or resumes the full copy. One disk's exports run one at a time in this process;
 * across replicas the Kafka partition of the disk's key has one consumer.
 */
public final class IncrementalExporter implements ExportStep {

    /** Metadata of the replica. */
    static final String META_KIND = ReplicaMetadata.KIND;
    static final String KIND_REPLICA = ReplicaMetadata.KIND_REPLICA;
    static final String META_SOURCE_DISK = ReplicaMetadata.SOURCE_DISK;
    static final String META_GENERATION = ReplicaMetadata.GENERATION;
    static final String META_PENDING = ReplicaMetadata.PENDING;
    static final String META_PENDING_MODE = "ferry_pendingmode";
    static final String META_PENDING_REASON = "ferry_pendingreason";
    /** Set by import-service once it has imported the generation it names. */
    public static final String META_IMPORTED = ReplicaMetadata.IMPORTED;
    /** The figures of the transfer that brought the generation. */
    static final String META_MODE = "ferry_mode";
    static final String META_BASE = "ferry_base";
    static final String META_CHANGED = "ferry_changedbytes";
    static final String META_REASON = "ferry_fullcopyreason";
    /** Tag of a replica (beside {@code ferry.createdBy}), for the sweeper. */
    public static final String TAG_KIND = "ferry.kind";

    private static final Logger LOG = Logger.getLogger(IncrementalExporter.class);

    private final SnapshotAccess access;
    private final SourceDisk sourceDisk;
    private final SourceSnapshots snapshots;
    private final StagingAccount staging;
    private final Map<CopyEngineKind, CopyEngine> engines;
    private final PageRangePlanner planner;
    private final FullCopy fullCopy;
    private final RetryPolicy retry;
    private final Duration importPoll;
    private final Duration importWait;
    private final Clock clock;
    private final Map<String, ReentrantLock> diskLocks = new ConcurrentHashMap<>();

    /**
     * @param importPoll how often a replica whose generation is not imported yet is looked at again
     * @param importWait how long the next write into a replica waits for the import of its generation
     */
    public IncrementalExporter(SnapshotAccess access, SourceDisk sourceDisk, SourceSnapshots snapshots, StagingAccount staging,
                               List<CopyEngine> engines, PageRangePlanner planner, RetryPolicy retry, Duration importPoll,
                               Duration importWait, Clock clock) {
        this.access = access;
        this.sourceDisk = sourceDisk;
        this.snapshots = snapshots;
        this.staging = staging;
        this.engines = new EnumMap<>(CopyEngineKind.class);
        engines.forEach(engine -> this.engines.put(engine.kind(), engine));
        this.planner = planner;
        this.fullCopy = new FullCopy(planner, retry, clock);
        this.retry = retry;
        this.importPoll = importPoll;
        this.importWait = importWait;
        this.clock = clock;
    }

    @Override
    public TransferStrategy strategy() {
        return TransferStrategy.VHD_INCREMENTAL;
    }

    @Override
    public ExportOutcome export(ExportRequest request, ProgressListener progress, Cancellation cancellation) {
        if (request.strategy() != TransferStrategy.VHD_INCREMENTAL) {
            throw new IllegalArgumentException("IncrementalExporter runs vhd-incremental, not " + request.strategy().wireName());
        }
        CopyEngine engine = Optional.ofNullable(engines.get(request.engine()))
                .orElseThrow(() -> new IllegalArgumentException("no " + request.engine().wireName() + " engine is configured"));
        StagingBlobName replicaName = StagingBlobName.replicaOf(request.sourceDiskId());
        ReentrantLock lock = diskLocks.computeIfAbsent(replicaName.blobName(), name -> new ReentrantLock());
        lockUnlessCancelled(lock, cancellation);
        try {
            return exportHoldingTheDisk(request, engine, replicaName, progress, cancellation);
        } finally {
            lock.unlock();
        }
    }

    private ExportOutcome exportHoldingTheDisk(ExportRequest request, CopyEngine engine, StagingBlobName replicaName,
                                               ProgressListener progress, Cancellation cancellation) {
        Instant startedAt = clock.instant();
        AtomicInteger retries = new AtomicInteger();
        Runnable countRetry = retries::incrementAndGet;
        StagingBlob replica = staging.blob(replicaName);
        Optional<StagingBlob.Properties> present = retry.call(replica::properties, cancellation, countRetry);
        if (present.isPresent() && present.get().length() == request.diskSizeBytes() + VhdFooter.SIZE
                && request.sourceSnapshotId().canonical().equals(present.get().metadata().get(META_GENERATION))) {
            // A redelivery: the replica already holds this snapshot, and its import reads it as it is. A grant an
            // earlier attempt could not revoke is revoked now.
            LOG.infof("export %s/%s: the replica %s already holds snapshot %s; nothing to copy", request.backupId(),
                    request.pvcUid(), replicaName, request.sourceSnapshotId().name());
            revokeAll(request, null, request.sourceSnapshotId(), request.previousSnapshotId());
            return outcome(request, engine, deltaOf(present.get().metadata()), replica, replicaName, 0, 0, 0, 0,
                    ExportOutcome.FooterAction.ALREADY_PRESENT, retries.get(), startedAt);
        }

        SourceSnapshots.Facts facts = retry.call(() -> snapshots.find(request.sourceSnapshotId()), cancellation, countRetry)
                .orElseThrow(() -> new StepRefused("SourceSnapshotNotFound", "Snapshot " + request.sourceSnapshotId().name()
                        + " does not exist in resource group " + request.sourceSnapshotId().resourceGroup() + "."));
        if (facts.sourceDiskId() == null || !facts.sourceDiskId().equals(request.sourceDiskId())) {
            throw new StepRefused("SnapshotOfOtherDisk", "Snapshot " + request.sourceSnapshotId().name()
                    + " was not taken of disk " + request.sourceDiskId().name() + ", so it cannot feed that disk's replica.");
        }
        Choice choice = choose(request, facts, present, cancellation, countRetry);
        awaitImportOfGeneration(request, replica, present, choice, cancellation, countRetry);
        Moved moved = choice.mode() == Mode.DIFF ? diff(request, engine, replica, progress, cancellation, countRetry)
                : full(request, engine, replica, present, choice, progress, cancellation, countRetry);
        return outcome(request, engine, moved.delta(), replica, replicaName, moved.bytesMoved(), moved.bytesRead(),
                moved.chunks(), moved.copyRetries(), moved.footer(), retries.get(), startedAt);
    }

    /**
     * Waits until import-service has imported the generation the replica holds, before anything changes it,
     * so that the previous backup's import still finds its generation. A replica with no generation (new, or a
     * full copy under way) has nothing to wait for. After {@code importWait} it goes on: that import, if it
     * ever comes, finds the replica moved on and refuses it (import-service checks the generation and that
     * nothing is pending, before and after it imports), so waiting longer would only stall this disk.
     */
    private void awaitImportOfGeneration(ExportRequest request, StagingBlob replica, Optional<StagingBlob.Properties> present,
                                             Choice choice, Cancellation cancellation, Runnable countRetry) {
        if (present.isEmpty() || choice.resume()) {
            return;
        }
        Instant start = clock.instant();
        Map<String, String> metadata = present.get().metadata();
        if (metadata.get(META_GENERATION) == null || metadata.get(META_GENERATION).equals(metadata.get(META_IMPORTED))) {
            return;
        }
        while (metadata.get(META_GENERATION) != null && !metadata.get(META_GENERATION).equals(metadata.get(META_IMPORTED))) {
            if (Duration.between(start, clock.instant()).compareTo(importWait) >= 0) {
                LOG.warnf("export %s/%s: the replica's generation %s was not imported within %s; writing the replica "
                                + "anyway (that backup's import, if it still comes, will be refused)", request.backupId(),
                        request.pvcUid(), metadata.get(META_GENERATION), importWait);
                return;
            }
            try {
                if (cancellation.awaitCancellation(importPoll)) {
                    cancellation.throwIfCancelled();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransferCancelledException("interrupted while waiting for the import of the replica's generation");
            }
            metadata = retry.call(replica::properties, cancellation, countRetry).map(StagingBlob.Properties::metadata)
                    .orElse(Map.of());
        }
        LOG.infof("export %s/%s: waited %d ms for the import of the replica's generation", request.backupId(),
                request.pvcUid(), Duration.between(start, clock.instant()).toMillis());
    }

    /** How the replica is brought to the new snapshot. */
    enum Mode { DIFF, FULL }

    /** The way chosen, and for a full copy why and whether it resumes one begun for the same snapshot. */
    record Choice(Mode mode, String reason, boolean resume) {
    }

    private Choice choose(ExportRequest request, SourceSnapshots.Facts facts, Optional<StagingBlob.Properties> present,
                          Cancellation cancellation, Runnable countRetry) {
        String snapshot = request.sourceSnapshotId().canonical();
        long length = request.diskSizeBytes() + VhdFooter.SIZE;
        Map<String, String> metadata = present.map(StagingBlob.Properties::metadata).orElse(Map.of());
        boolean sized = present.isPresent() && present.get().length() == length;
        if (sized && snapshot.equals(metadata.get(META_PENDING)) && TransferStats.MODE_FULL.equals(metadata.get(META_PENDING_MODE))) {
            return new Choice(Mode.FULL, metadata.getOrDefault(META_PENDING_REASON, "no-replica"), true);
        }
        if (!request.sourceIncremental() || !facts.incremental() || facts.familyId() == null) {
            return new Choice(Mode.FULL, "source-not-incremental", false);
        }
        if (request.previousSnapshotId() == null) {
            return new Choice(Mode.FULL, "no-previous-snapshot", false);
        }
        if (present.isEmpty()) {
            return new Choice(Mode.FULL, "no-replica", false);
        }
        if (!sized) {
            return new Choice(Mode.FULL, "disk-resized", false);
        }
        String pending = metadata.get(META_PENDING);
        if (!request.previousSnapshotId().canonical().equals(metadata.get(META_GENERATION))
                || (pending != null && !pending.equals(snapshot))) {
            // Also when another snapshot's diff stopped midway: its pages are in the replica, outside this diff.
            return new Choice(Mode.FULL, "generation-mismatch", false);
        }
        Optional<SourceSnapshots.Facts> base = retry.call(() -> snapshots.find(request.previousSnapshotId()), cancellation,
                countRetry);
        if (base.isEmpty()) {
            return new Choice(Mode.FULL, "base-snapshot-gone", false);
        }
        if (!base.get().incremental() || !facts.familyId().equals(base.get().familyId())) {
            return new Choice(Mode.FULL, "base-in-other-family", false);
        }
        return new Choice(Mode.DIFF, null, false);
    }

    /** What bringing the replica up to date did. */
    private record Moved(ExportOutcome.Delta delta, long bytesMoved, long bytesRead, int chunks, int copyRetries,
                         ExportOutcome.FooterAction footer) {
    }

    private Moved diff(ExportRequest request, CopyEngine engine, StagingBlob replica, ProgressListener progress,
                       Cancellation cancellation, Runnable countRetry) {
        ArmResourceId base = request.previousSnapshotId();
        long disk = request.diskSizeBytes();
        retry.call(() -> {
            Map<String, String> metadata = replicaMetadata(request, base.canonical(), request.sourceSnapshotId().canonical(),
                    TransferStats.MODE_DIFF, null);
            // The base is imported (the wait made sure): a resumed diff must not wait for it again.
            metadata.put(META_IMPORTED, base.canonical());
            replica.setMetadata(metadata);
            return null;
        }, cancellation, countRetry);
        RuntimeException failure = null;
        boolean baseAsked = false;
        ExportOutcome.Delta delta;
        CopyResult copied;
        try {
            SasUrl sas = access.grantRead(request.sourceSnapshotId(), request.sasDuration());
            SourceBlob source = sourceDisk.open(sas);
            baseAsked = true;
            SasUrl baseSas = access.grantRead(base, request.sasDuration());
            PageDiff diff = retry.call(() -> source.pageDiff(baseSas, new ByteRange(0, disk)), cancellation, countRetry);
            List<ByteRange> cleared = PageRangePlanner.withinDisk(disk, diff.cleared());
            for (ByteRange range : cleared) {
                retry.call(() -> {
                    replica.clearPages(range);
                    return null;
                }, cancellation, countRetry);
            }
            ChunkPlan plan = planner.planDiff(disk, diff.changed());
            long clearedBytes = cleared.stream().mapToLong(ByteRange::length).sum();
            LOG.infof("export %s/%s: diff against %s: %d bytes changed in %d ranges, %d bytes cleared in %d ranges; "
                            + "%d chunks to copy, engine %s, parallelism %d", request.backupId(), request.pvcUid(), base.name(),
                    plan.writtenBytes(), diff.changed().size(), clearedBytes, cleared.size(), plan.chunks().size(),
                    engine.kind().wireName(), request.parallelism());
            copied = engine.copy(new CopyJob(source, replica, plan.chunks(), request.parallelism(), 0,
                    plan.plannedBytes(), progress, cancellation));
            delta = ExportOutcome.Delta.diff(base, plan.writtenBytes() + clearedBytes);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            // Both grants count against the family's five; a failed revoke of one does not skip the other.
            revokeAll(request, failure, request.sourceSnapshotId(), baseAsked ? base : null);
        }
        // Only once both grants are gone: a revoke that failed makes the next attempt repeat the diff and revoke again.
        moveGeneration(request, replica, delta, cancellation, countRetry);
        return new Moved(delta, copied.bytesCopied(), copied.bytesRead(), copied.chunksCopied(), copied.retries(),
                ExportOutcome.FooterAction.ALREADY_PRESENT);
    }

    /**
     * Revokes the grants on these snapshots (nulls skipped), each whatever the others did. When the export
     * failed, a failed revoke rides along as suppressed; otherwise the first one fails the export, after all
     * were tried.
     */
    private void revokeAll(ExportRequest request, RuntimeException failure, ArmResourceId... snapshots) {
        RuntimeException first = null;
        for (ArmResourceId snapshot : snapshots) {
            if (snapshot == null) {
                continue;
            }
            try {
                VhdExporter.revoke(access, snapshot, request, failure);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private Moved full(ExportRequest request, CopyEngine engine, StagingBlob replica, Optional<StagingBlob.Properties> present,
                       Choice choice, ProgressListener progress, Cancellation cancellation, Runnable countRetry) {
        long length = request.diskSizeBytes() + VhdFooter.SIZE;
        LOG.infof("export %s/%s: full copy into the replica (%s)%s", request.backupId(), request.pvcUid(), choice.reason(),
                choice.resume() ? ", resuming the one begun for this snapshot" : "");
        if (present.isPresent() && !choice.resume()) {
            // What it holds is another snapshot's data: a sparse copy onto it would keep stale ranges.
            retry.call(replica::delete, cancellation, countRetry);
        }
        Map<String, String> tags = Map.of(VhdExporter.TAG_CREATED_BY, VhdExporter.CREATED_BY, TAG_KIND, KIND_REPLICA);
        StagingBlob.Creation creation = retry.call(() -> replica.createIfAbsent(length, tags), cancellation, countRetry);
        retry.call(() -> {
            replica.setMetadata(replicaMetadata(request, null, request.sourceSnapshotId().canonical(), TransferStats.MODE_FULL,
                    choice.reason()));
            return null;
        }, cancellation, countRetry);
        RuntimeException failure = null;
        FullCopy.Result copy;
        try {
            SasUrl sas = access.grantRead(request.sourceSnapshotId(), request.sasDuration());
            SourceBlob source = sourceDisk.open(sas);
            copy = fullCopy.run(request, engine, source, replica, creation, progress, cancellation, countRetry);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            revokeAll(request, failure, request.sourceSnapshotId());
        }
        ExportOutcome.Delta delta = ExportOutcome.Delta.full(copy.plan().writtenBytes(), choice.reason());
        moveGeneration(request, replica, delta, cancellation, countRetry);
        return new Moved(delta, copy.copied().bytesCopied(), copy.copied().bytesRead(), copy.copied().chunksCopied(),
                copy.copied().retries(), copy.footer());
    }

    /** The replica now holds the new snapshot entirely; the figures of how it got there go with it. */
    private void moveGeneration(ExportRequest request, StagingBlob replica, ExportOutcome.Delta delta, Cancellation cancellation,
                                Runnable countRetry) {
        Map<String, String> metadata = replicaMetadata(request, request.sourceSnapshotId().canonical(), null, null, null);
        metadata.putAll(metadataOf(delta));
        retry.call(() -> {
            replica.setMetadata(metadata);
            return null;
        }, cancellation, countRetry);
    }

    private static Map<String, String> replicaMetadata(ExportRequest request, String generation, String pending, String mode,
                                                       String reason) {
        Map<String, String> metadata = new LinkedHashMap<>(StagingBlob.metadataOf(Map.of(VhdExporter.TAG_CREATED_BY,
                VhdExporter.CREATED_BY)));
        metadata.put(META_KIND, KIND_REPLICA);
        metadata.put(META_SOURCE_DISK, request.sourceDiskId().canonical());
        if (generation != null) {
            metadata.put(META_GENERATION, generation);
        }
        if (pending != null) {
            metadata.put(META_PENDING, pending);
            metadata.put(META_PENDING_MODE, mode);
            if (reason != null) {
                metadata.put(META_PENDING_REASON, reason);
            }
        }
        return metadata;
    }

    private static Map<String, String> metadataOf(ExportOutcome.Delta delta) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(META_MODE, delta.mode());
        metadata.put(META_CHANGED, Long.toString(delta.bytesChanged()));
        if (delta.baseSnapshotId() != null) {
            metadata.put(META_BASE, delta.baseSnapshotId().canonical());
        }
        if (delta.fullCopyReason() != null) {
            metadata.put(META_REASON, delta.fullCopyReason());
        }
        return metadata;
    }

    /** The figures of the transfer that brought the replica's generation; a full copy when they are missing. */
    private static ExportOutcome.Delta deltaOf(Map<String, String> metadata) {
        long changed = parseOrZero(metadata.get(META_CHANGED));
        if (TransferStats.MODE_DIFF.equals(metadata.get(META_MODE)) && metadata.get(META_BASE) != null) {
            return ExportOutcome.Delta.diff(ArmResourceId.parse(metadata.get(META_BASE)), changed);
        }
        String reason = metadata.get(META_REASON);
        return ExportOutcome.Delta.full(changed, TransferStats.FULL_COPY_REASONS.contains(reason) ? reason : null);
    }

    private static long parseOrZero(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private ExportOutcome outcome(ExportRequest request, CopyEngine engine, ExportOutcome.Delta delta, StagingBlob vhd,
                                  StagingBlobName vhdName, long bytesMoved, long bytesRead, int chunks, int copyRetries,
                                  ExportOutcome.FooterAction footer, int retries, Instant startedAt) {
        ExportOutcome outcome = new ExportOutcome(TransferStrategy.VHD_INCREMENTAL, engine.kind(), delta, vhd.url(), vhdName,
                StagingBlob.Creation.REUSED, bytesMoved, bytesRead, request.diskSizeBytes(), delta.bytesChanged(), chunks, 0,
                0, retries + copyRetries, footer, startedAt, clock.instant());
        LOG.infof("export %s/%s: %s transfer moved %d bytes (%d changed) in %d ms (%d retries)", request.backupId(),
                request.pvcUid(), delta.mode(), bytesMoved, delta.bytesChanged(), outcome.duration().toMillis(),
                outcome.retries());
        return outcome;
    }

    private static void lockUnlessCancelled(ReentrantLock lock, Cancellation cancellation) {
        try {
            while (!lock.tryLock(1, TimeUnit.SECONDS)) {
                cancellation.throwIfCancelled();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferCancelledException("interrupted while waiting for the disk's previous export");
        }
    }
}
