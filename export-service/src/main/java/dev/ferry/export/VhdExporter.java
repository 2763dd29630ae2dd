package dev.ferry.export;

import dev.ferry.events.TransferStrategy;
import dev.ferry.export.ExportOutcome.FooterAction;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ChunkPlan;
import dev.ferry.export.transfer.CopyEngine;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.export.transfer.CopyJob;
import dev.ferry.export.transfer.CopyResult;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.ProgressListener;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.VhdFooter;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The {@code vhd-full} export (DESIGN section 4): grant a read SAS on the snapshot, create or reuse
 * the staging page blob, plan the written chunks that the blob does not hold yet, copy them with
 * the requested engine, make sure the blob ends with a valid fixed-VHD footer, and revoke the SAS
 * whatever happened.
 */
public final class VhdExporter implements ExportStep {

    /** Tag (and metadata) keys on every blob Ferry creates, for the sweeper. */
    public static final String TAG_BACKUP_ID = "ferry.backupId";
    public static final String TAG_PVC_UID = "ferry.pvcUid";
    public static final String TAG_CREATED_BY = "ferry.createdBy";
    public static final String CREATED_BY = "export-service";

    private static final Logger LOG = Logger.getLogger(VhdExporter.class);

    private final SnapshotAccess access;
    private final SourceDisk sourceDisk;
    private final StagingAccount staging;
    private final Map<CopyEngineKind, CopyEngine> engines;
    private final PageRangePlanner planner;
    private final RetryPolicy retry;
    private final Clock clock;

    public VhdExporter(SnapshotAccess access, SourceDisk sourceDisk, StagingAccount staging, List<CopyEngine> engines,
                       PageRangePlanner planner, RetryPolicy retry, Clock clock) {
        this.access = access;
        this.sourceDisk = sourceDisk;
        this.staging = staging;
        this.engines = new EnumMap<>(CopyEngineKind.class);
        engines.forEach(engine -> this.engines.put(engine.kind(), engine));
        this.planner = planner;
        this.retry = retry;
        this.clock = clock;
    }

    @Override
    public TransferStrategy strategy() {
        return TransferStrategy.VHD_FULL;
    }

    @Override
    public ExportOutcome export(ExportRequest request, ProgressListener progress, Cancellation cancellation) {
        if (request.strategy() != TransferStrategy.VHD_FULL) {
            throw new IllegalArgumentException("VhdExporter runs vhd-full, not " + request.strategy().wireName());
        }
        CopyEngine engine = Optional.ofNullable(engines.get(request.engine()))
                .orElseThrow(() -> new IllegalArgumentException("no " + request.engine().wireName() + " engine is configured"));
        Instant startedAt = clock.instant();
        long disk = request.diskSizeBytes();
        StagingBlobName name = request.stagingBlobName();
        StagingBlob blob = staging.blob(name);
        AtomicInteger retries = new AtomicInteger();
        Runnable countRetry = retries::incrementAndGet;

        RuntimeException failure = null;
        try {
            // Inside the try: a grant whose answer was lost may still have opened a SAS, and revoking is idempotent.
            SasUrl sas = access.grantRead(request.sourceSnapshotId(), request.sasDuration());
            SourceBlob source = sourceDisk.open(sas);
            long sourceLength = retry.call(source::length, cancellation, countRetry);
            if (sourceLength < disk) {
                throw new IllegalStateException("the snapshot serves " + sourceLength + " bytes, fewer than its size " + disk);
            }
            StagingBlob.Creation creation = retry.call(() -> blob.createIfAbsent(disk + VhdFooter.SIZE, Map.of(
                    TAG_BACKUP_ID, request.backupId(), TAG_PVC_UID, request.pvcUid(), TAG_CREATED_BY, CREATED_BY)),
                    cancellation, countRetry);
            List<ByteRange> written = retry.call(() -> source.pageRanges(new ByteRange(0, disk)), cancellation, countRetry);
            // A new blob holds nothing yet; a found one may hold what an interrupted attempt wrote.
            List<ByteRange> present = creation == StagingBlob.Creation.CREATED ? List.of()
                    : retry.call(blob::pageRanges, cancellation, countRetry);
            ChunkPlan plan = planner.plan(disk, written, present);
            LOG.infof("export %s/%s: %s staging blob %s; %d bytes written on the source, %d chunks (%d bytes) to copy, "
                            + "%d chunks (%d bytes) already present; engine %s, parallelism %d",
                    request.backupId(), request.pvcUid(), creation == StagingBlob.Creation.CREATED ? "created" : "reusing",
                    name, plan.writtenBytes(), plan.chunks().size(), plan.plannedBytes(), plan.skippedChunks(),
                    plan.skippedBytes(), engine.kind().wireName(), request.parallelism());

            CopyResult copied = engine.copy(new CopyJob(source, blob, plan.chunks(), request.parallelism(),
                    plan.skippedBytes(), plan.totalBytes(), progress, cancellation));
            FooterAction footer = ensureFooter(request, source, blob, creation, cancellation, countRetry);
            Instant completedAt = clock.instant();
            ExportOutcome outcome = new ExportOutcome(TransferStrategy.VHD_FULL, engine.kind(), blob.url(), name, creation,
                    copied.bytesCopied(), copied.bytesRead(), disk, plan.writtenBytes(), copied.chunksCopied(),
                    plan.skippedChunks(), plan.skippedBytes(), retries.get() + copied.retries(), footer, startedAt,
                    completedAt);
            LOG.infof("export %s/%s: moved %d bytes in %d ms (%d retries), footer %s", request.backupId(), request.pvcUid(),
                    outcome.bytesMoved(), outcome.duration().toMillis(), outcome.retries(), footer);
            return outcome;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            revoke(request, failure);
        }
    }

    /**
     * Leaves a valid footer in the blob's last 512 bytes: keeps one an earlier attempt wrote, else
     * copies the source's if it is valid for this disk, else writes Ferry's own.
     */
    private FooterAction ensureFooter(ExportRequest request, SourceBlob source, StagingBlob blob,
                                      StagingBlob.Creation creation, Cancellation cancellation, Runnable countRetry) {
        long disk = request.diskSizeBytes();
        if (creation == StagingBlob.Creation.REUSED) {
            byte[] present = retry.call(() -> blob.read(disk, VhdFooter.SIZE), cancellation, countRetry);
            if (VhdFooter.problem(present, disk).isEmpty()) {
                return FooterAction.ALREADY_PRESENT;
            }
        }
        byte[] served = new byte[VhdFooter.SIZE];
        retry.call(() -> {
            source.read(disk, served, VhdFooter.SIZE);
            return null;
        }, cancellation, countRetry);
        Optional<String> problem = VhdFooter.problem(served, disk);
        byte[] footer = problem.isEmpty() ? served
                : VhdFooter.forDisk(disk, VhdFooter.uniqueIdFor(request.backupId(), request.pvcUid()), clock.instant());
        if (problem.isPresent()) {
            LOG.infof("export %s/%s: the source served no valid VHD footer (%s); writing Ferry's own",
                    request.backupId(), request.pvcUid(), problem.get());
        }
        retry.call(() -> {
            blob.putPages(disk, footer, VhdFooter.SIZE);
            return null;
        }, cancellation, countRetry);
        return problem.isEmpty() ? FooterAction.COPIED_FROM_SOURCE : FooterAction.WRITTEN;
    }

    /**
     * Revokes the grant. When the export itself failed, that failure is what the caller hears and a
     * failed revoke rides along as suppressed; when the export succeeded, a failed revoke fails it,
     * so that a redelivery revokes again (the copy then resumes with nothing left to move).
     */
    private void revoke(ExportRequest request, RuntimeException failure) {
        try {
            access.revoke(request.sourceSnapshotId());
        } catch (RuntimeException e) {
            LOG.warnf("export %s/%s: could not revoke the read access on the source snapshot: %s",
                    request.backupId(), request.pvcUid(), e.getClass().getSimpleName());
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw e;
            }
        }
    }
}
