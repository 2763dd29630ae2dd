package dev.ferry.snapshot;

import dev.ferry.snapshot.config.SnapshotConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/** Executes admitted backup runs off the caller's thread, at most {@code ferry.runs.max-concurrent} at once. */
@ApplicationScoped
public class BackupService {

    private static final Logger LOG = Logger.getLogger(BackupService.class);

    private final BackupExecution execution;
    private final ExecutorService background;

    public BackupService(BackupExecution execution, SnapshotConfig config) {
        this.execution = execution;
        AtomicInteger threads = new AtomicInteger();
        this.background = Executors.newFixedThreadPool(Math.max(1, config.runs().maxConcurrent()), task -> {
            Thread thread = new Thread(task, "ferry-backup-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        background.shutdownNow();
    }

    /** Executes an admitted run off the caller's thread, with bounded concurrency. */
    public void executeInBackground(BackupRun run) {
        executeInBackground(run, () -> {
        });
    }

    /**
     * Executes an admitted run off the caller's thread, with bounded concurrency, then {@code after}
     * (a policy's retention) on the same thread once every volume is announced.
     */
    public void executeInBackground(BackupRun run, Runnable after) {
        background.submit(() -> {
            try {
                execution.execute(run);
                after.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "backup %s stopped unexpectedly", run.backupId());
            }
        });
    }
}
