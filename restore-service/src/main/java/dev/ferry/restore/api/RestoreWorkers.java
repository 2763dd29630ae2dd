package dev.ferry.restore.api;

import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.restore.messaging.RestoreReporter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** Runs the restores started over REST, a bounded number at once, off the request threads. */
@ApplicationScoped
public class RestoreWorkers {

    private static final Logger LOG = Logger.getLogger(RestoreWorkers.class);

    private final RestoreService restores;
    private final RestoreReporter reporter;
    private final ExecutorService workers;

    public RestoreWorkers(RestoreService restores, RestoreReporter reporter, RestoreConfig config) {
        this.restores = restores;
        this.reporter = reporter;
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.restore().concurrency(), task -> {
            Thread thread = new Thread(task, "restore-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
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

    @PreDestroy
    void stop() throws InterruptedException {
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }
}
