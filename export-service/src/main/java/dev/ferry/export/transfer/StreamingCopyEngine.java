package dev.ferry.export.transfer;

import dev.ferry.export.ByteRange;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads each chunk from the source SAS into memory and writes it with Put Page. The data passes
 * through this process, so it works against any storage emulator; each worker reuses one buffer
 * of the largest chunk's size, so at most parallelism x 4 MiB of chunk data is held at once.
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
            // Read and write are retried apart: a throttled write must not read the chunk again.
            calls.run(() -> job.source().read(chunk.start(), buffer, length));
            read.addAndGet(length);
            calls.run(() -> job.destination().putPages(chunk.start(), buffer, length));
        });
        return new CopyResult(result.bytesCopied(), read.get(), result.chunksCopied(), result.retries());
    }
}
