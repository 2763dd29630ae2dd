package dev.ferry.export.transfer;

import dev.ferry.export.ByteRange;
import dev.ferry.export.StagingBlob;
import dev.ferry.export.StorageCallFailed;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads each chunk from the source SAS into memory and writes it with Put Page. The data passes
 * through this process, so it works against any storage emulator; each worker reuses one buffer
 * of the largest chunk's size, so at most parallelism x 4 MiB of chunk data is held at once (full-size
 * buffers are kept for the next copies, up to {@link #SPARE_BUFFERS}). A
 * chunk's Put Page starts with its read and takes each part of the buffer once it is filled, so a
 * worker's read and write overlap instead of following each other; once the Put Page has taken the
 * whole chunk, the worker reads its next chunk into the buffer while the storage service still
 * writes the last one, and waits for that answer after.
 */
public final class StreamingCopyEngine implements CopyEngine {

    /**
     * Full-size chunk buffers kept between copies, at most this many: a replica that exports volume after
     * volume reuses them instead of leaving parallelism x 4 MiB of garbage per volume in the old generation.
     */
    static final int SPARE_BUFFERS = 16;

    private final ChunkScheduler scheduler;
    private final Deque<byte[]> spare = new ConcurrentLinkedDeque<>();

    public StreamingCopyEngine(ChunkScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public CopyEngineKind kind() {
        return CopyEngineKind.STREAMING;
    }

    @Override
    public CopyResult copy(CopyJob job) {
        int workers = Math.min(job.parallelism(), Math.max(1, job.chunks().size()));
        int bufferBytes = (int) job.chunks().stream().mapToLong(ByteRange::length).max().orElse(0);
        byte[][] buffers = new byte[workers][];
        AtomicLong read = new AtomicLong();
        CopyResult result = scheduler.run(job, chunkCopy(job, bufferBytes, buffers, read));
        // Kept only after a copy that ended normally: every worker has finished, every read has ended and every
        // Put Page has taken its copies. After a failure the buffers are left to the garbage collector.
        for (byte[] buffer : buffers) {
            if (buffer != null && buffer.length == PageRangePlanner.MAX_CHUNK_BYTES && spare.size() < SPARE_BUFFERS) {
                spare.push(buffer);
            }
        }
        return new CopyResult(result.bytesCopied(), read.get(), result.chunksCopied(), result.retries());
    }

    /** What a worker does with one chunk, in {@code buffers[worker]}; counts the bytes it reads in {@code read}. */
    private ChunkScheduler.ChunkAction chunkCopy(CopyJob job, int bufferBytes, byte[][] buffers, AtomicLong read) {
        return (chunk, worker, calls) -> {
            if (buffers[worker] == null) {
                byte[] reused = bufferBytes == PageRangePlanner.MAX_CHUNK_BYTES ? spare.poll() : null;
                buffers[worker] = reused != null ? reused : new byte[bufferBytes];
            }
            byte[] buffer = buffers[worker];
            long offset = chunk.start();
            int length = (int) chunk.length();
            // The first Put Page sends the chunk while it is read. A read that fails abandons it, so the
            // read's retries read first and write after.
            StagingBlob.PagesWhileFilled overlapped = job.destination().putPagesWhileFilled(offset, buffer, length);
            boolean[] overlapping = {true};
            try {
                calls.run(() -> {
                    if (!overlapping[0]) {
                        job.source().read(offset, buffer, length);
                        return;
                    }
                    try {
                        job.source().read(offset, buffer, length, overlapped::filled);
                    } catch (RuntimeException e) {
                        overlapping[0] = false;
                        overlapped.abandon();
                        throw e;
                    }
                });
            } catch (RuntimeException e) {
                overlapped.abandon(); // cancelled, or a failure that is not retried
                throw e;
            }
            read.addAndGet(length);
            if (!overlapping[0]) {
                calls.run(() -> job.destination().putPages(offset, buffer, length));
                return ChunkScheduler.Pending.DONE;
            }
            overlapped.awaitRelease();
            return new ChunkScheduler.Pending() {
                @Override
                public void await() {
                    try {
                        overlapped.await();
                    } catch (StorageCallFailed failure) {
                        // The buffer holds the next chunk by now: read this one again, then write it.
                        calls.runAfter(failure, () -> {
                            job.source().read(offset, buffer, length);
                            read.addAndGet(length);
                            job.destination().putPages(offset, buffer, length);
                        });
                    }
                }

                @Override
                public void release() {
                    overlapped.abandon();
                }
            };
        };
    }
}
