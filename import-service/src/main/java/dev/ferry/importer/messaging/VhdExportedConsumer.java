package dev.ferry.importer.messaging;

import dev.ferry.support.step.StepRefused;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.VhdExported;
import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.importer.VhdImporter;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.support.messaging.KafkaCloudEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes {@code ferry.vhd.exported}: a record that cannot be read goes to the dead-letter
 * topic; a valid one is imported (retried while Azure may still succeed) and acknowledged only
 * after its {@code SnapshotRecreated} or {@code StepFailed} is on the broker.
 */
@ApplicationScoped
public class VhdExportedConsumer {

    private static final Logger LOG = Logger.getLogger(VhdExportedConsumer.class);

    private final VhdImporter importer;
    private final EventPublisher publisher;
    private final ImportConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;

    public VhdExportedConsumer(VhdImporter importer, EventPublisher publisher, ImportConfig config, MeterRegistry metrics,
                               Clock clock) {
        this.importer = importer;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Incoming(Channels.VHD_EXPORTED)
    @Blocking
    public CompletionStage<Void> consume(Message<byte[]> message) {
        Map<String, String> headers = KafkaCloudEvents.headers(message);
        VhdExported exported;
        try {
            exported = EventJson.readRecord(headers, message.getPayload(), VhdExported.class);
        } catch (InvalidEventException e) {
            LOG.warnf("dead-lettering an unreadable record: %s", e.getMessage());
            metrics.counter("ferry.import.events", "outcome", "dead-lettered").increment();
            return message.nack(e);
        }
        MDC.put("backupId", exported.backupId());
        MDC.put("volume", exported.volume().subject());
        try {
            handle(exported, headers);
            return message.ack();
        } catch (Interrupted e) {
            // Shutting down: neither ack nor dead-letter. The record stays uncommitted and is delivered again.
            LOG.info("import stopped while waiting to retry; left for redelivery");
            return new CompletableFuture<>();
        } finally {
            MDC.remove("backupId");
            MDC.remove("volume");
        }
    }

    private void handle(VhdExported exported, Map<String, String> headers) {
        Duration backoff = config.retry().initialBackoff();
        int attempts = config.retry().maxAttempts();
        for (int attempt = 1; ; attempt++) {
            try {
                VhdImporter.Outcome outcome = metrics.timer("ferry.import.duration").recordCallable(() -> importer.importVhd(exported));
                publisher.snapshotRecreated(outcome.event());
                metrics.counter("ferry.import.events", "outcome", outcome.result().name().toLowerCase()).increment();
                return;
            } catch (StepRefused e) {
                fail(exported, headers, e.code(), e.getMessage(), false, attempt);
                return;
            } catch (AzureCallFailed e) {
                if (!e.retryable() || attempt >= attempts) {
                    fail(exported, headers, e.code(), e.getMessage(), e.retryable(), attempt);
                    return;
                }
                LOG.warnf("import attempt %d of %d failed (%s, HTTP %d); retrying in %s", attempt, attempts, e.code(), e.status(), backoff);
                pause(backoff);
                backoff = backoff.multipliedBy(2);
            } catch (Exception e) {
                throw new IllegalStateException("the import step failed unexpectedly", e);
            }
        }
    }

    private void fail(VhdExported exported, Map<String, String> headers, String code, String reason, boolean retryable, int attempts) {
        LOG.errorf("import gave up after %d attempt(s): %s: %s", attempts, code, reason);
        metrics.counter("ferry.import.events", "outcome", "failed").increment();
        publisher.stepFailed(new StepFailed(FerryEvent.SCHEMA_VERSION, exported.backupId(), null, exported.correlationId(), Step.IMPORT,
                code, reason, retryable, attempts, exported.volume(), headers.get(CloudEventAttributes.HEADER_ID),
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
