package dev.ferry.restore.messaging;

import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.restore.catalog.Catalog;
import dev.ferry.restore.catalog.Cataloger;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.restore.progress.TransfersInFlight;
import dev.ferry.restore.run.RetentionRunner;
import dev.ferry.support.messaging.DeadLetters;
import dev.ferry.support.messaging.EventPublisher;
import dev.ferry.support.messaging.VolumeEventIntake;
import dev.ferry.support.step.StepRefused;
import dev.ferry.support.step.StepRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code ferry.snapshot.recreated}: records each volume in the catalog (retried while the
 * storage account may still answer), applies retention when a restore point becomes complete, and
 * acknowledges only after the entry is durable or a {@code StepFailed} says why it is not.
 * A record that cannot be read goes to the dead-letter topic.
 */
@ApplicationScoped
public class SnapshotRecreatedConsumer {

    private static final Logger LOG = Logger.getLogger(SnapshotRecreatedConsumer.class);

    private final Cataloger cataloger;
    private final RetentionRunner retention;
    private final EventPublisher publisher;
    private final RestoreConfig config;
    private final MeterRegistry metrics;
    private final DeadLetters deadLetters;
    private final TransfersInFlight inFlight;
    private final Clock clock;

    public SnapshotRecreatedConsumer(Cataloger cataloger, RetentionRunner retention, EventPublisher publisher, RestoreConfig config,
                                     MeterRegistry metrics, DeadLetters deadLetters, TransfersInFlight inFlight, Clock clock) {
        this.cataloger = cataloger;
        this.retention = retention;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.inFlight = inFlight;
        this.clock = clock;
    }

    @Incoming(Channels.SNAPSHOT_RECREATED)
    @Blocking
    public CompletionStage<Void> consume(Message<byte[]> message) {
        return VolumeEventIntake.take(message, SnapshotRecreated.class, SnapshotRecreated::backupId,
                deadLetters, this::handle);
    }

    private void handle(SnapshotRecreated event, Map<String, String> headers) {
        inFlight.recreated(event);
        if (!allowedGroup(event)) {
            fail(event, headers, "SnapshotNotAllowed", "the region-B snapshot " + event.targetSnapshotId()
                    + " is not in one of the resource groups of ferry.target-resource-groups; nothing was recorded", false, 1);
            return;
        }
        StepRetry.run("catalog write", config.retry().maxAttempts(), config.retry().initialBackoff(), attempt -> {
            Cataloger.Outcome outcome = cataloger.record(event);
            metrics.counter("ferry.catalog.events", "outcome", outcome.recorded().name().toLowerCase(Locale.ROOT)).increment();
            if (outcome.recorded() == Catalog.Recorded.CONFLICT) {
                throw new StepRefused("CatalogConflict", "the catalog holds another entry for volume " + event.volume().volumeIndex()
                        + " of backup " + event.backupId() + " (another copy, PVC or namespace); it was kept and this one not recorded");
            }
            LOG.infof("cataloged volume %d of %d (%s) of restore point %s%s", event.volume().volumeIndex() + 1,
                    event.volume().volumeCount(), outcome.recorded(), event.backupId(), outcome.point().complete() ? ": complete" : "");
            if (outcome.point().complete()) {
                retention.submit(outcome.point());
            }
        }, (code, reason, retryable, attempts) -> fail(event, headers, code, reason, retryable, attempts));
    }

    private boolean allowedGroup(SnapshotRecreated event) {
        return config.targetResourceGroups().contains(ResourceGroupId.of(event.targetSnapshotId()));
    }

    private void fail(SnapshotRecreated event, Map<String, String> headers, String code, String reason, boolean retryable, int attempts) {
        LOG.errorf("catalog step gave up after %d attempt(s): %s: %s", attempts, code, reason);
        metrics.counter("ferry.catalog.events", "outcome", "failed").increment();
        publisher.publish(StepFailed.ofVolume(event, headers, Step.CATALOG, code, reason, retryable, attempts, clock.instant()));
    }
}
