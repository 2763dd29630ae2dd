package dev.ferry.localcloud.csi;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.ferry.localcloud.azure.compute.ArmError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread that runs keyed tasks, as a controller's work queue does: a key queued twice
 * runs once, a failed task runs again after a growing delay, and nothing one task throws stops the rest.
 */
final class WorkQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 10_000;

    private final ScheduledExecutorService executor;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private volatile boolean closed;

    WorkQueue(String threadName) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Queues the task under its key unless a task with that key already waits to run. */
    void submit(String key, Runnable task) {
        if (closed || !queued.add(key)) {
            return;
        }
        try {
            executor.execute(() -> run(key, task));
        } catch (RejectedExecutionException e) {
            // Closed between the check and the call: dropping the work is what close() means.
            queued.remove(key);
        }
    }

    private void run(String key, Runnable task) {
        // Taken off before running so that an event arriving meanwhile queues the key again.
        queued.remove(key);
        if (closed) {
            return;
        }
        try {
            task.run();
            failures.remove(key);
        } catch (RuntimeException e) {
            if (closed) {
                // close() interrupts a task in flight; its failure says nothing about the object.
                return;
            }
            int attempts = failures.merge(key, 1, Integer::sum);
            long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempts - 1, 20));
            if (e instanceof ArmError refusal) {
                // Azure refusing is an expected answer; its message says all there is.
                LOG.warn("CSI simulator: {} failed (attempt {}), retrying in {} ms: {} {}", key, attempts, delay,
                        refusal.code(), refusal.getMessage());
            } else {
                LOG.warn("CSI simulator: {} failed (attempt {}), retrying in {} ms", key, attempts, delay, e);
            }
            retryLater(key, task, Duration.ofMillis(delay));
        }
    }

    private void retryLater(String key, Runnable task, Duration delay) {
        try {
            executor.schedule(() -> submit(key, task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed: the retry is dropped with everything else.
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("CSI simulator: the worker did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
