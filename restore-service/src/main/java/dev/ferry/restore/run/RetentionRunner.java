package dev.ferry.restore.run;

import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.restore.catalog.RestorePointRetention;
import dev.ferry.support.messaging.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.jboss.logging.Logger;

/**
 * Runs retention off the Kafka consumer, one run at a time: deleting region-B snapshots takes an
 * Azure long-running operation each, far longer than a catalog record may wait for its commit. A
 * run that is lost (the service stops) is made up by the next restore point that completes. Runs
 * wait in line, unbounded, on Quarkus' worker pool.
 */
@ApplicationScoped
public class RetentionRunner {

    private static final Logger LOG = Logger.getLogger(RetentionRunner.class);

    private final RestorePointRetention retention;
    private final EventPublisher publisher;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final ManagedExecutor worker;

    public RetentionRunner(RestorePointRetention retention, EventPublisher publisher, MeterRegistry metrics, Clock clock) {
        this.retention = retention;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
        this.worker = ManagedExecutor.builder().maxAsync(1).maxQueued(-1)
                .propagated(ThreadContext.NONE).cleared(ThreadContext.ALL_REMAINING).build();
    }

    /** Applies retention to the group of a restore point that just became complete, in the background. */
    public void submit(RestorePoint completed) {
        worker.execute(() -> {
            try {
                RestorePointRetention.Outcome outcome = retention.apply(completed);
                metrics.counter("ferry.retention.deleted").increment(outcome.deleted().size());
                for (String failed : outcome.failed()) {
                    publisher.publish(StepFailed.ofBackup(failed, failed, Step.RETENTION, "RetentionIncomplete",
                            "retention could not delete every region-B snapshot of restore point " + failed + "; the next run tries again",
                            true, null, null, clock.instant()));
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
