package dev.ferry.snapshot.run;

import dev.ferry.snapshot.BackupExecution;
import dev.ferry.snapshot.BackupRun;
import dev.ferry.snapshot.config.SnapshotConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.jboss.logging.Logger;

/**
 * Executes admitted backup runs off the caller's thread, at most {@code ferry.runs.max-concurrent}
 * at once; more wait in line. The executor is the framework's (in Quarkus a bounded view of its
 * worker pool) and is shut down with the application.
 */
@ApplicationScoped
public class BackupRunner {

    private static final Logger LOG = Logger.getLogger(BackupRunner.class);

    private final BackupExecution execution;
    private final ManagedExecutor executor;

    public BackupRunner(BackupExecution execution, SnapshotConfig config) {
        this.execution = execution;
        // A run outlives the REST request or the policy tick that started it: it takes none of their contexts along.
        this.executor = ManagedExecutor.builder()
                .maxAsync(Math.max(1, config.runs().maxConcurrent()))
                .maxQueued(-1)
                .propagated(ThreadContext.NONE)
                .cleared(ThreadContext.ALL_REMAINING)
                .build();
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** Executes an admitted run off the caller's thread, with bounded concurrency. */
    public void executeInBackground(BackupRun run) {
        executeInBackground(run, () -> {
        });
    }

    /**
     * Executes an admitted run off the caller's thread, with bounded concurrency, then {@code after}
     * (a policy's retention) on the same thread once every volume is announced.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the application is shutting down
     */
    public void executeInBackground(BackupRun run, Runnable after) {
        executor.submit(() -> {
            try {
                execution.execute(run);
                after.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "backup %s stopped unexpectedly", run.backupId());
            }
        });
    }
}
