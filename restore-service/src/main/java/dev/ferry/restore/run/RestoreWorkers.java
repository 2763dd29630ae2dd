package dev.ferry.restore.run;

import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.restore.messaging.RestoreReporter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs the restores started over REST in the background, {@code ferry.restore.concurrency} at once
 * and the others queued, off the request threads.
 */
@ApplicationScoped
public class RestoreWorkers {

    private static final Logger LOG = Logger.getLogger(RestoreWorkers.class);

    private final RestoreService restores;
    private final RestoreReporter reporter;
    // No context of the request that started a restore is carried over: the restore outlives the request.
    private final ManagedExecutor workers;

    public RestoreWorkers(RestoreService restores, RestoreReporter reporter, RestoreConfig config) {
        this.restores = restores;
        this.reporter = reporter;
        this.workers = ManagedExecutor.builder().maxAsync(config.restore().concurrency()).maxQueued(-1)
                .propagated(ThreadContext.NONE).cleared(ThreadContext.ALL_REMAINING).build();
    }

    /** Starts an accepted restore in the background. */
    public void start(RestoreRun run) {
        workers.execute(() -> {
            MDC.put("restoreId", run.restoreId());
            try {
                reporter.finished(restores.run(run), null, null);
            } catch (RuntimeException e) {
                LOG.errorf(e, "restore %s stopped unexpectedly", run.restoreId());
            } finally {
                MDC.remove("restoreId");
            }
        });
    }

    /** Interrupts the running restores (they fail as {@code Interrupted}) and drops the queued ones. */
    @PreDestroy
    void stop() throws InterruptedException {
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }
}
