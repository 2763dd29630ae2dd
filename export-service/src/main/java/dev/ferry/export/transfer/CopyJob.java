package dev.ferry.export.transfer;

import dev.ferry.export.ByteRange;
import dev.ferry.export.SourceBlob;
import dev.ferry.export.StagingBlob;
import java.util.List;
import java.util.Objects;

/**
 * One copy's inputs.
 *
 * @param chunks         what to copy, from {@link PageRangePlanner}; each at most 4 MiB, at the same offset on both sides
 * @param parallelism    how many chunks are in flight at once
 * @param bytesBefore    bytes a previous attempt already copied: where progress starts
 * @param bytesTotal     the bytes of the whole plan, for progress
 */
public record CopyJob(SourceBlob source, StagingBlob destination, List<ByteRange> chunks, int parallelism,
                      long bytesBefore, long bytesTotal, ProgressListener progress, Cancellation cancellation) {

    public CopyJob {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        chunks = List.copyOf(chunks);
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
        }
        for (ByteRange chunk : chunks) {
            if (chunk.isEmpty() || chunk.length() > PageRangePlanner.MAX_CHUNK_BYTES
                    || !chunk.isAlignedTo(PageRangePlanner.PAGE_BYTES)) {
                throw new IllegalArgumentException("a chunk must be non-empty, 512-aligned and at most 4 MiB, not " + chunk);
            }
        }
        progress = progress == null ? ProgressListener.NONE : progress;
        cancellation = cancellation == null ? new Cancellation() : cancellation;
    }
}
