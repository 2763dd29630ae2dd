package dev.ferry.export;

import dev.ferry.export.ExportOutcome.FooterAction;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ChunkPlan;
import dev.ferry.export.transfer.CopyEngine;
import dev.ferry.export.transfer.CopyJob;
import dev.ferry.export.transfer.CopyResult;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.ProgressListener;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.VhdFooter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The sparse copy of a whole snapshot into a page blob that holds nothing but this snapshot's data
 * (or nothing yet): plan the written chunks the blob lacks, copy them, leave a valid fixed-VHD footer.
 * The {@code vhd-full} export runs it into the backup's VHD, the incremental one into a fresh replica.
 */
final class FullCopy {

    private static final Logger LOG = Logger.getLogger(FullCopy.class);

    /** What the copy did. */
    record Result(ChunkPlan plan, CopyResult copied, FooterAction footer) {
    }

    private final PageRangePlanner planner;
    private final RetryPolicy retry;
    private final Clock clock;

    FullCopy(PageRangePlanner planner, RetryPolicy retry, Clock clock) {
        this.planner = planner;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * Copies {@code source} into {@code blob}.
     *
     * @param creation whether {@code blob} was made for this copy now (it holds nothing) or found from an
     *                 earlier attempt of the same copy (what it holds is kept)
     */
    Result run(ExportRequest request, CopyEngine engine, SourceBlob source, StagingBlob blob, StagingBlob.Creation creation,
               ProgressListener progress, Cancellation cancellation, Runnable countRetry) {
        long disk = request.diskSizeBytes();
        long sourceLength = retry.call(source::length, cancellation, countRetry);
        if (sourceLength < disk) {
            throw new IllegalStateException("the snapshot serves " + sourceLength + " bytes, fewer than its size " + disk);
        }
        List<ByteRange> written = retry.call(() -> source.pageRanges(new ByteRange(0, disk)), cancellation, countRetry);
        // A new blob holds nothing yet; a found one may hold what an interrupted attempt wrote.
        List<ByteRange> present = creation == StagingBlob.Creation.CREATED ? List.of()
                : retry.call(blob::pageRanges, cancellation, countRetry);
        ChunkPlan plan = planner.plan(disk, written, present);
        LOG.infof("export %s/%s: %s staging blob %s; %d bytes written on the source, %d chunks (%d bytes) to copy, "
                        + "%d chunks (%d bytes) already present; engine %s, parallelism %d",
                request.backupId(), request.pvcUid(), creation == StagingBlob.Creation.CREATED ? "created" : "reusing",
                blob.url(), plan.writtenBytes(), plan.chunks().size(), plan.plannedBytes(), plan.skippedChunks(),
                plan.skippedBytes(), engine.kind().wireName(), request.parallelism());
        CopyResult copied = engine.copy(new CopyJob(source, blob, plan.chunks(), request.parallelism(),
                plan.skippedBytes(), plan.totalBytes(), progress, cancellation));
        FooterAction footer = ensureFooter(request, source, blob, creation, cancellation, countRetry);
        return new Result(plan, copied, footer);
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
}
