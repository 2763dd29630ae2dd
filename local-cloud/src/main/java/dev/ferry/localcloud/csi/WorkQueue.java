package dev.ferry.localcloud.csi;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ferry.localcloud.azure.compute.ArmError;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker threads that run keyed tasks, as a controller's work queue does (client-go's workqueue, which
 * the CSI snapshot controller and provisioner run with 10 workers by default): a key queued twice runs
 * once, a key is never run by two workers at once (queued while it runs, it runs again after), a
 * failed task runs again after a growing delay, and nothing one task throws stops the rest.
 */
final class WorkQueue implements AutoCloseable {

    /** The CSI snapshot controller's and external provisioner's default {@code --worker-threads}. */
    static final int DEFAULT_WORKERS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 10_000;

    private final ScheduledExecutorService executor;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** Keys a worker runs now, and for each the task to run again once it is done, if one was queued meanwhile. */
    private final Map<String, Runnable> running = new HashMap<>();
    private final Object lock = new Object();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private volatile boolean closed;

    WorkQueue(String threadName, int workers) {
        AtomicInteger number = new AtomicInteger();
        executor = Executors.newScheduledThreadPool(workers, r -> {
            Thread thread = new Thread(r, threadName + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Queues the task under its key unless a task with that key already waits to run; one that runs now runs again after. */
    void submit(String key, Runnable task) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (running.containsKey(key)) {
                running.put(key, task);
                return;
            }
            if (!queued.add(key)) {
                return;
            }
        }
        try {
            executor.execute(() -> run(key, task));
        } catch (RejectedExecutionException e) {
            // Closed between the check and the call: dropping the work is what close() means.
            queued.remove(key);
        }
    }

    private void run(String key, Runnable task) {
        synchronized (lock) {
            // Taken off before running so that an event arriving meanwhile runs the key again, after this run.
            queued.remove(key);
            if (closed) {
                return;
            }
            running.put(key, null);
        }
        try {
            attempt(key, task);
        } finally {
            Runnable again;
            synchronized (lock) {
                again = running.remove(key);
            }
            if (again != null) {
                submit(key, again);
            }
        }
    }

    private void attempt(String key, Runnable task) {
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
            if (e instanceof KubernetesClientException conflict && conflict.getCode() == 409) {
                // Two workers wrote one object (a snapshot's and its content's reconcile): optimistic concurrency,
                // retried as the real controllers retry it, without a word above debug.
                LOG.debug("CSI simulator: {} met a write conflict (attempt {}), retrying in {} ms", key, attempts, delay);
            } else if (e instanceof ArmError refusal) {
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
                LOG.warn("CSI simulator: the workers did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
