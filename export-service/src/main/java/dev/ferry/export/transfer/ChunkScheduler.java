package dev.ferry.export.transfer;

import dev.ferry.export.ByteRange;
import dev.ferry.export.StorageCallFailed;
import dev.ferry.support.threads.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs a copy's chunks on a fixed number of worker threads (the job's parallelism), each worker
 * taking the next chunk when it has started the last one and when the replica has a range to spare:
 * all the copies of one scheduler share {@code rangesInFlight} chunks in flight, so that many small
 * copies run side by side while the bytes in flight stay bounded; retries each storage call per the
 * {@link RetryPolicy}; reports progress at most once per interval; stops on the first chunk that
 * fails for good or on cancellation. Both engines share it and differ only in what they do with a
 * chunk.
 *
 * <p>An action may leave the end of its chunk for later (a {@link Pending}: the answer to a write whose
 * data is all sent): the worker then starts its next chunk and waits for that end only when the next
 * chunk no longer needs it, so a worker has at most one chunk waiting while it works on another. A
 * chunk counts as copied once its end has come.
 */
public final class ChunkScheduler {

    /**
     * What an engine does with one chunk, on worker {@code worker} (0-based, below the parallelism):
     * copies it, or copies it but for the end it returns, which the worker awaits after it has started
     * its next chunk.
     */
    @FunctionalInterface
    public interface ChunkAction {
        Pending copy(ByteRange chunk, int worker, Calls calls);
    }

    /** The end of a chunk's copy that is still to come. */
    @FunctionalInterface
    public interface Pending {
        /** Nothing left to wait for. */
        Pending DONE = () -> { };

        /** Finishes the chunk: waits for the write's answer and tries again when it failed; throws when it fails for good. */
        void await();

        /** Leaves the chunk unfinished as the copy stops: waits only until its request has ended, tries nothing again. */
        default void release() {
        }
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

        /** Goes on with a call whose first attempt was made elsewhere and failed ({@link RetryPolicy#retryAfter}). */
        public void runAfter(StorageCallFailed firstFailure, Runnable call) {
            retry.retryAfter(firstFailure, () -> {
                call.run();
                return null;
            }, cancellation, retries::incrementAndGet);
        }
    }

    private static final AtomicInteger POOLS = new AtomicInteger();
    /** How long stopped workers may take to end: longer than any single storage call's timeout. */
    private static final Duration WORKERS_STOP = Duration.ofMinutes(3);

    private final RetryPolicy retry;
    private final Duration progressInterval;
    private final LongSupplier nanoTime;
    private final Semaphore ranges;

    /** A scheduler whose copies are limited only by their own parallelism. */
    public ChunkScheduler(RetryPolicy retry, Duration progressInterval, LongSupplier nanoTime) {
        this(retry, progressInterval, nanoTime, Integer.MAX_VALUE);
    }

    /**
     * @param progressInterval the shortest time between two progress reports (the last is always reported)
     * @param nanoTime         a monotonic clock, {@link System#nanoTime} outside tests
     * @param rangesInFlight   chunks in flight at once over all of this scheduler's copies
     */
    public ChunkScheduler(RetryPolicy retry, Duration progressInterval, LongSupplier nanoTime, int rangesInFlight) {
        if (rangesInFlight < 1) {
            throw new IllegalArgumentException("at least one range must be allowed in flight, not " + rangesInFlight);
        }
        this.retry = retry;
        this.progressInterval = progressInterval;
        this.nanoTime = nanoTime;
        this.ranges = new Semaphore(rangesInFlight, true);
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
        ExecutorService executor = Executors.newFixedThreadPool(workers,
                DaemonThreads.named("ferry-copy-" + POOLS.incrementAndGet() + "-"));
        Calls calls = new Calls(job.cancellation());
        Consumer<ByteRange> done = chunk -> {
            copiedChunks.incrementAndGet();
            long bytes = copied.addAndGet(chunk.length());
            progress.report(job.bytesBefore() + bytes, job.bytesTotal(), false);
        };
        try {
            List<Future<?>> running = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                int worker = w;
                running.add(executor.submit(() -> {
                    ByteRange waiting = null;
                    Pending end = Pending.DONE;
                    boolean holding = false; // a range for the chunk about to start
                    try {
                        while (failure.get() == null && !job.cancellation().isCancelled()) {
                            if (!ranges.tryAcquire()) {
                                // Finish the chunk in hand first: a worker never waits for a range while holding one.
                                if (waiting != null) {
                                    ByteRange finished = waiting;
                                    waiting = null;
                                    awaitAndGiveBack(end);
                                    done.accept(finished);
                                }
                                ranges.acquire();
                            }
                            holding = true;
                            int index = next.getAndIncrement();
                            if (index >= chunks.size()) {
                                break;
                            }
                            ByteRange chunk = chunks.get(index);
                            Pending started = action.copy(chunk, worker, calls);
                            holding = false;
                            ByteRange finished = waiting;
                            Pending finishing = end;
                            waiting = started == Pending.DONE ? null : chunk;
                            end = started;
                            if (started == Pending.DONE) {
                                ranges.release();
                            }
                            if (finished != null) {
                                awaitAndGiveBack(finishing);
                                done.accept(finished);
                            }
                            if (started == Pending.DONE) {
                                done.accept(chunk);
                            }
                        }
                        if (waiting != null && failure.get() == null) {
                            ByteRange finished = waiting;
                            waiting = null;
                            awaitAndGiveBack(end);
                            done.accept(finished);
                        }
                        release(waiting, end); // another worker failed: no retries for this one
                    } catch (InterruptedException e) {
                        release(waiting, end);
                    } catch (TransferCancelledException e) {
                        release(waiting, end);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        release(waiting, end);
                    } catch (Error e) {
                        release(waiting, end);
                        throw e;
                    } finally {
                        if (holding) {
                            ranges.release();
                        }
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
            awaitWorkers(executor);
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

    /**
     * Waits until the (interrupted) workers have ended, so that no request of the copy outlives it; also
     * when the caller is interrupted, whose interrupt is kept. Their calls end at their timeouts at the latest.
     */
    private static void awaitWorkers(ExecutorService executor) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (executor.awaitTermination(WORKERS_STOP.toSeconds(), TimeUnit.SECONDS)) {
                        return;
                    }
                    throw new IllegalStateException("copy workers still run " + WORKERS_STOP + " after they were stopped");
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the end of a chunk's copy and gives its range back, whatever the end. */
    private void awaitAndGiveBack(Pending end) {
        try {
            end.await();
        } finally {
            ranges.release();
        }
    }

    /**
     * A worker stops with {@code chunk} (if any) still waiting for its end: let its request end, quietly,
     * and give its range back.
     */
    private void release(ByteRange chunk, Pending end) {
        if (chunk != null) {
            try {
                end.release();
            } catch (RuntimeException e) {
                // the copy stops anyway; a chunk left unfinished is copied again on resume
            } finally {
                ranges.release();
            }
        }
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
