package dev.ferry.export.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.VhdExported;
import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.export.SnapshotExport;
import dev.ferry.export.StorageCallFailed;
import dev.ferry.export.config.ExportConfig;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.TransferCancelledException;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.messaging.KafkaCloudEvents;
import dev.ferry.support.step.StepRefused;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes {@code ferry.snapshot.taken} on a bounded worker pool, off the event loop: an
 * unreadable record goes to the dead-letter topic; a valid one is exported (a later attempt
 * resumes the earlier one's copy) and acknowledged only after its {@code VhdExported} or
 * {@code StepFailed} is on the broker, so a crash mid-copy means redelivery and resumption.
 */
@ApplicationScoped
public class SnapshotTakenConsumer {

    private static final Logger LOG = Logger.getLogger(SnapshotTakenConsumer.class);

    private final SnapshotExport export;
    private final EventPublisher publisher;
    private final ExportConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();

    public SnapshotTakenConsumer(SnapshotExport export, EventPublisher publisher, ExportConfig config, MeterRegistry metrics, Clock clock) {
        this.export = export;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Incoming(Channels.SNAPSHOT_TAKEN)
    @Blocking(value = "export-workers", ordered = false)
    public CompletionStage<Void> consume(Message<byte[]> message) {
        Map<String, String> headers = KafkaCloudEvents.headers(message);
        SnapshotTaken taken;
        try {
            taken = EventJson.readRecord(headers, message.getPayload(), SnapshotTaken.class);
        } catch (InvalidEventException e) {
            LOG.warnf("dead-lettering an unreadable record: %s", e.getMessage());
            metrics.counter("ferry.export.events", "outcome", "dead-lettered").increment();
            return message.nack(e);
        }
        MDC.put("backupId", taken.backupId());
        MDC.put("volume", taken.volume().subject());
        try {
            handle(taken, headers);
            return message.ack();
        } catch (TransferCancelledException e) {
            // Shutting down: neither ack nor dead-letter. The record stays uncommitted, so another
            // replica (or this one after restart) gets it again and resumes the copy.
            LOG.infof("export stopped (%s); left for redelivery", e.getMessage());
            return new CompletableFuture<>();
        } finally {
            MDC.remove("backupId");
            MDC.remove("volume");
        }
    }

    private void handle(SnapshotTaken taken, Map<String, String> headers) {
        Duration backoff = config.retry().initialBackoff();
        int attempts = config.retry().maxAttempts();
        Cancellation cancellation = new Cancellation();
        running.add(cancellation);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    VhdExported exported = export.export(taken, this::progressed, cancellation);
                    publisher.vhdExported(exported);
                    metrics.counter("ferry.export.events", "outcome", "exported").increment();
                    metrics.counter("ferry.export.bytes.moved").increment(exported.transfer().bytesMoved());
                    metrics.timer("ferry.export.duration").record(Duration.ofMillis(exported.transfer().durationMillis()));
                    LOG.infof("exported %d of %d bytes in %d ms", exported.transfer().bytesMoved(), exported.transfer().bytesTotal(),
                            exported.transfer().durationMillis());
                    return;
                } catch (StepRefused e) {
                    fail(taken, headers, e.code(), e.getMessage(), false, attempt);
                    return;
                } catch (AzureCallFailed e) {
                    if (!e.retryable() || attempt >= attempts) {
                        fail(taken, headers, e.code(), e.getMessage(), e.retryable(), attempt);
                        return;
                    }
                    LOG.warnf("export attempt %d of %d failed (%s, HTTP %d); retrying in %s", attempt, attempts, e.code(), e.status(), backoff);
                } catch (StorageCallFailed e) {
                    if (attempt >= attempts) {
                        fail(taken, headers, e.errorCode().orElse("StorageCallFailed"), e.getMessage(), true, attempt);
                        return;
                    }
                    LOG.warnf("export attempt %d of %d failed (%s); retrying in %s", attempt, attempts, e.getMessage(), backoff);
                }
                if (pauseOrCancelled(cancellation, backoff)) {
                    throw new TransferCancelledException("stopped while waiting to retry");
                }
                backoff = backoff.multipliedBy(2);
            }
        } finally {
            running.remove(cancellation);
        }
    }

    private void progressed(dev.ferry.events.TransferProgressed event) {
        try {
            publisher.transferProgressed(event);
        } catch (RuntimeException e) {
            // Progress is informative: a lost report must not fail the copy.
            LOG.debugf("a progress report was not sent: %s", e.getMessage());
        }
    }

    private void fail(SnapshotTaken taken, Map<String, String> headers, String code, String reason, boolean retryable, int attempts) {
        LOG.errorf("export gave up after %d attempt(s): %s: %s", attempts, code, reason);
        metrics.counter("ferry.export.events", "outcome", "failed").increment();
        publisher.stepFailed(new StepFailed(FerryEvent.SCHEMA_VERSION, taken.backupId(), null, taken.correlationId(), Step.EXPORT,
                code, reason, retryable, attempts, taken.volume(), headers.get(CloudEventAttributes.HEADER_ID),
                headers.get(CloudEventAttributes.HEADER_TYPE), clock.instant()));
    }

    private static boolean pauseOrCancelled(Cancellation cancellation, Duration backoff) {
        try {
            return cancellation.awaitCancellation(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** On shutdown, running copies stop starting new ranges; their records stay uncommitted and resume elsewhere. */
    @PreDestroy
    void stopCopies() {
        running.forEach(c -> c.cancel("the service is shutting down"));
    }
}
