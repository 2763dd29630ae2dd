package dev.ferry.restore.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.restore.catalog.Catalog;
import dev.ferry.restore.catalog.Cataloger;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.messaging.KafkaCloudEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

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
    private final Clock clock;

    public SnapshotRecreatedConsumer(Cataloger cataloger, RetentionRunner retention, EventPublisher publisher, RestoreConfig config,
                                     MeterRegistry metrics, Clock clock) {
        this.cataloger = cataloger;
        this.retention = retention;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Incoming(Channels.SNAPSHOT_RECREATED)
    @Blocking
    public CompletionStage<Void> consume(Message<byte[]> message) {
        Map<String, String> headers = KafkaCloudEvents.headers(message);
        SnapshotRecreated event;
        try {
            event = EventJson.readRecord(headers, message.getPayload(), SnapshotRecreated.class);
        } catch (InvalidEventException e) {
            LOG.warnf("dead-lettering an unreadable record: %s", e.getMessage());
            metrics.counter("ferry.catalog.events", "outcome", "dead-lettered").increment();
            return message.nack(e);
        }
        MDC.put("backupId", event.backupId());
        MDC.put("volume", event.volume().subject());
        try {
            handle(event, headers);
            return message.ack();
        } catch (Interrupted e) {
            // Shutting down: neither ack nor dead-letter. The record stays uncommitted and is delivered again.
            LOG.info("catalog write stopped while waiting to retry; left for redelivery");
            return new CompletableFuture<>();
        } finally {
            MDC.remove("backupId");
            MDC.remove("volume");
        }
    }

    private void handle(SnapshotRecreated event, Map<String, String> headers) {
        if (!allowedGroup(event)) {
            fail(event, headers, "SnapshotNotAllowed", "the region-B snapshot " + event.targetSnapshotId()
                    + " is not in one of the resource groups of ferry.target-resource-groups; nothing was recorded", false, 1);
            return;
        }
        Duration backoff = config.retry().initialBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                Cataloger.Outcome outcome = cataloger.record(event);
                metrics.counter("ferry.catalog.events", "outcome", outcome.recorded().name().toLowerCase(Locale.ROOT)).increment();
                if (outcome.recorded() == Catalog.Recorded.CONFLICT) {
                    fail(event, headers, "CatalogConflict", "the catalog holds another entry for volume "
                            + event.volume().volumeIndex() + " of backup " + event.backupId() + " (another copy, PVC or namespace); "
                            + "it was kept and this one not recorded", false, attempt);
                    return;
                }
                LOG.infof("cataloged volume %d of %d (%s) of restore point %s%s", event.volume().volumeIndex() + 1,
                        event.volume().volumeCount(), outcome.recorded(), event.backupId(), outcome.point().complete() ? ": complete" : "");
                if (outcome.point().complete()) {
                    retention.submit(outcome.point());
                }
                return;
            } catch (AzureCallFailed e) {
                if (!e.retryable() || attempt >= config.retry().maxAttempts()) {
                    fail(event, headers, e.code(), e.getMessage(), e.retryable(), attempt);
                    return;
                }
                LOG.warnf("catalog write attempt %d failed (%s, HTTP %d); retrying in %s", attempt, e.code(), e.status(), backoff);
                pause(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private boolean allowedGroup(SnapshotRecreated event) {
        String group = event.targetSnapshotId().resourceGroupId();
        return config.targetResourceGroups().stream().anyMatch(allowed -> allowed.replaceAll("/+$", "").equalsIgnoreCase(group));
    }

    private void fail(SnapshotRecreated event, Map<String, String> headers, String code, String reason, boolean retryable, int attempts) {
        LOG.errorf("catalog step gave up after %d attempt(s): %s: %s", attempts, code, reason);
        metrics.counter("ferry.catalog.events", "outcome", "failed").increment();
        publisher.stepFailed(new StepFailed(FerryEvent.SCHEMA_VERSION, event.backupId(), null, event.correlationId(), Step.CATALOG,
                code, StepFailed.reason(reason), retryable, attempts, event.volume(), headers.get(CloudEventAttributes.HEADER_ID),
                headers.get(CloudEventAttributes.HEADER_TYPE), clock.instant()));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        }
    }

    /** The worker was interrupted (the service is stopping) between two attempts. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted while waiting to retry");
        }
    }
}
