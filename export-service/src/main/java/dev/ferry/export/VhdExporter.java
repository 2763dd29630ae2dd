package dev.ferry.export;

import dev.ferry.events.TransferStrategy;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ChunkPlan;
import dev.ferry.export.transfer.CopyEngine;
import dev.ferry.export.transfer.CopyEngineKind;
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
    private final FullCopy fullCopy;
    private final RetryPolicy retry;
    private final Clock clock;

    public VhdExporter(SnapshotAccess access, SourceDisk sourceDisk, StagingAccount staging, List<CopyEngine> engines,
                       PageRangePlanner planner, RetryPolicy retry, Clock clock) {
        this.access = access;
        this.sourceDisk = sourceDisk;
        this.staging = staging;
        this.engines = new EnumMap<>(CopyEngineKind.class);
        engines.forEach(engine -> this.engines.put(engine.kind(), engine));
        this.fullCopy = new FullCopy(planner, retry, clock);
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
            StagingBlob.Creation creation = retry.call(() -> blob.createIfAbsent(disk + VhdFooter.SIZE, Map.of(
                    TAG_BACKUP_ID, request.backupId(), TAG_PVC_UID, request.pvcUid(), TAG_CREATED_BY, CREATED_BY)),
                    cancellation, countRetry);
            FullCopy.Result copy = fullCopy.run(request, engine, source, blob, creation, progress, cancellation, countRetry);
            ChunkPlan plan = copy.plan();
            CopyResult copied = copy.copied();
            Instant completedAt = clock.instant();
            ExportOutcome outcome = new ExportOutcome(TransferStrategy.VHD_FULL, engine.kind(),
                    ExportOutcome.Delta.full(plan.writtenBytes(), null), blob.url(), name, creation,
                    copied.bytesCopied(), copied.bytesRead(), disk, plan.writtenBytes(), copied.chunksCopied(),
                    plan.skippedChunks(), plan.skippedBytes(), retries.get() + copied.retries(), copy.footer(),
                    startedAt, completedAt);
            LOG.infof("export %s/%s: moved %d bytes in %d ms (%d retries), footer %s", request.backupId(), request.pvcUid(),
                    outcome.bytesMoved(), outcome.duration().toMillis(), outcome.retries(), copy.footer());
            return outcome;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            revoke(access, request.sourceSnapshotId(), request, failure);
        }
    }

    /**
     * Revokes the grant. When the export itself failed, that failure is what the caller hears and a
     * failed revoke rides along as suppressed; when the export succeeded, a failed revoke fails it,
     * so that a redelivery revokes again (the copy then resumes with nothing left to move).
     */
    static void revoke(SnapshotAccess access, dev.ferry.events.arm.ArmResourceId snapshotId, ExportRequest request,
                       RuntimeException failure) {
        try {
            access.revoke(snapshotId);
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
