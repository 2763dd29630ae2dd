package dev.ferry.restore.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.support.messaging.EventPublisher;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.restore.catalog.RestorePointRetention;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Runs retention off the Kafka consumer, one run at a time: deleting region-B snapshots takes an
 * Azure long-running operation each, far longer than a catalog record may wait for its commit. A
 * run that is lost (the service stops) is made up by the next restore point that completes.
 */
@ApplicationScoped
public class RetentionRunner {

    private static final Logger LOG = Logger.getLogger(RetentionRunner.class);

    private final RestorePointRetention retention;
    private final EventPublisher publisher;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "retention");
        thread.setDaemon(true);
        return thread;
    });

    public RetentionRunner(RestorePointRetention retention, EventPublisher publisher, MeterRegistry metrics, Clock clock) {
        this.retention = retention;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Applies retention to the group of a restore point that just became complete, in the background. */
    public void submit(RestorePoint completed) {
        worker.execute(() -> {
            try {
                RestorePointRetention.Outcome outcome = retention.apply(completed);
                metrics.counter("ferry.retention.deleted").increment(outcome.deleted().size());
                for (String failed : outcome.failed()) {
                    publisher.publish(new StepFailed(FerryEvent.SCHEMA_VERSION, failed, null, failed, Step.RETENTION,
                            "RetentionIncomplete", "retention could not delete every region-B snapshot of restore point " + failed
                            + "; the next run tries again", true, 1, null, null, null, clock.instant()));
                }
            } catch (RuntimeException e) {
                LOG.errorf("retention after restore point %s stopped; the next run tries again: %s", completed.id(), e.getMessage());
            }
        });
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
