package dev.ferry.export.transfer;

import dev.ferry.export.ByteRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs a copy's chunks on a fixed number of worker threads (the job's parallelism), each worker
 * taking the next chunk when it finishes one; retries each storage call per the {@link RetryPolicy};
 * reports progress at most once per interval; stops on the first chunk that fails for good or on
 * cancellation. Both engines share it and differ only in what they do with a chunk.
 */
public final class ChunkScheduler {

    /** What an engine does with one chunk, on worker {@code worker} (0-based, below the parallelism). */
    @FunctionalInterface
    public interface ChunkAction {
        void copy(ByteRange chunk, int worker, Calls calls);
    }

    /** Makes storage calls for a chunk, each with retries. */
    public final class Calls {
        private final Cancellation cancellation;
        private final AtomicInteger retries = new AtomicInteger();

        private Calls(Cancellation cancellation) {
            this.cancellation = cancellation;
        }

        public void run(Runnable call) {
            call(() -> {
                call.run();
                return null;
            });
        }

        public <T> T call(Supplier<T> call) {
            return retry.call(call, cancellation, retries::incrementAndGet);
        }
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final RetryPolicy retry;
    private final Duration progressInterval;
    private final LongSupplier nanoTime;

    /**
     * @param progressInterval the shortest time between two progress reports (the last is always reported)
     * @param nanoTime         a monotonic clock, {@link System#nanoTime} outside tests
     */
    public ChunkScheduler(RetryPolicy retry, Duration progressInterval, LongSupplier nanoTime) {
        this.retry = retry;
        this.progressInterval = progressInterval;
        this.nanoTime = nanoTime;
    }

    /** Runs every chunk of the job through {@code action}; returns (bytes copied, chunks copied, retries). */
    CopyResult run(CopyJob job, ChunkAction action) {
        List<ByteRange> chunks = job.chunks();
        ProgressThrottle progress = new ProgressThrottle(job.progress(), progressInterval, nanoTime);
        progress.report(job.bytesBefore(), job.bytesTotal(), true);
        if (chunks.isEmpty()) {
            return new CopyResult(0, 0, 0, 0);
        }
        int workers = Math.min(job.parallelism(), chunks.size());
        AtomicInteger next = new AtomicInteger();
        AtomicLong copied = new AtomicLong();
        AtomicInteger copiedChunks = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "ferry-copy-" + pool + "-" + threads.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        Calls calls = new Calls(job.cancellation());
        try {
            List<Future<?>> running = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                int worker = w;
                running.add(executor.submit(() -> {
                    while (failure.get() == null && !job.cancellation().isCancelled()) {
                        int index = next.getAndIncrement();
                        if (index >= chunks.size()) {
                            return;
                        }
                        ByteRange chunk = chunks.get(index);
                        try {
                            action.copy(chunk, worker, calls);
                        } catch (TransferCancelledException e) {
                            return;
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                            return;
                        }
                        copiedChunks.incrementAndGet();
                        long done = copied.addAndGet(chunk.length());
                        progress.report(job.bytesBefore() + done, job.bytesTotal(), false);
                    }
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.cancellation().cancel("interrupted");
        } catch (ExecutionException e) {
            failure.compareAndSet(null, new IllegalStateException("a copy worker failed", e.getCause()));
        } finally {
            executor.shutdownNow();
        }
        progress.report(job.bytesBefore() + copied.get(), job.bytesTotal(), true);
        if (failure.get() != null) {
            throw failure.get();
        }
        if (copiedChunks.get() < chunks.size()) {
            job.cancellation().throwIfCancelled();
            throw new IllegalStateException("the copy stopped with " + (chunks.size() - copiedChunks.get()) + " chunks left");
        }
        return new CopyResult(copied.get(), 0, copiedChunks.get(), calls.retries.get());
    }

    /** Reports progress at most once per interval, and always when told to. */
    private static final class ProgressThrottle {
        private final ProgressListener listener;
        private final long intervalNanos;
        private final LongSupplier nanoTime;
        private long lastReport;
        private boolean reported;

        ProgressThrottle(ProgressListener listener, Duration interval, LongSupplier nanoTime) {
            this.listener = listener;
            this.intervalNanos = interval.toNanos();
            this.nanoTime = nanoTime;
        }

        synchronized void report(long done, long total, boolean always) {
            long now = nanoTime.getAsLong();
            if (always || !reported || now - lastReport >= intervalNanos) {
                reported = true;
                lastReport = now;
                listener.progressed(done, total);
            }
        }
    }
}
