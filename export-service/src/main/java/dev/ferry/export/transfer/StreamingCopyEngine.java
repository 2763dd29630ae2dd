package dev.ferry.export.transfer;

import dev.ferry.export.ByteRange;
import dev.ferry.export.StagingBlob;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads each chunk from the source SAS into memory and writes it with Put Page. The data passes
 * through this process, so it works against any storage emulator; each worker reuses one buffer
 * of the largest chunk's size, so at most parallelism x 4 MiB of chunk data is held at once. A
 * chunk's Put Page starts with its read and sends each part of the buffer once it is filled, so a
 * worker's read and write overlap instead of following each other.
 */
public final class StreamingCopyEngine implements CopyEngine {

    private final ChunkScheduler scheduler;

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
        CopyResult result = scheduler.run(job, (chunk, worker, calls) -> {
            if (buffers[worker] == null) {
                buffers[worker] = new byte[bufferBytes];
            }
            byte[] buffer = buffers[worker];
            int length = (int) chunk.length();
            // The first Put Page sends the chunk while it is read, in the same buffer. Read and write are
            // retried apart: a throttled write must not read the chunk again, and a read that failed
            // abandons the overlapped write, so its retries read first and write after.
            StagingBlob.PagesWhileFilled overlapped = job.destination().putPagesWhileFilled(chunk.start(), buffer, length);
            boolean[] overlapping = {true};
            boolean readDone = false;
            try {
                calls.run(() -> {
                    if (!overlapping[0]) {
                        job.source().read(chunk.start(), buffer, length);
                        return;
                    }
                    try {
                        job.source().read(chunk.start(), buffer, length, overlapped::filled);
                    } catch (RuntimeException e) {
                        overlapping[0] = false;
                        overlapped.abandon();
                        throw e;
                    }
                });
                readDone = true;
            } finally {
                if (!readDone && overlapping[0]) {
                    overlapped.abandon(); // cancelled, or a failure that is not retried
                }
            }
            read.addAndGet(length);
            try {
                calls.run(() -> {
                    if (overlapping[0]) {
                        overlapping[0] = false;
                        overlapped.await();
                    } else {
                        job.destination().putPages(chunk.start(), buffer, length);
                    }
                });
            } finally {
                if (overlapping[0]) {
                    overlapped.abandon(); // cancelled before awaiting: let the request end before the buffer is reused
                }
                if (!overlapped.released()) {
                    // A request given up while it ran may still read this buffer: the next chunk gets a new one.
                    buffers[worker] = new byte[bufferBytes];
                }
            }
        });
        return new CopyResult(result.bytesCopied(), read.get(), result.chunksCopied(), result.retries());
    }
}
