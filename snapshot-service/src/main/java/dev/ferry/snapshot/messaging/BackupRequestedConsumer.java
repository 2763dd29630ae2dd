package dev.ferry.snapshot.messaging;

import dev.ferry.events.BackupRequested;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.snapshot.BackupAdmission;
import dev.ferry.snapshot.BackupExecution;
import dev.ferry.snapshot.BackupRefused;
import dev.ferry.support.messaging.DeadLetters;
import dev.ferry.support.messaging.EventPublisher;
import dev.ferry.support.messaging.KafkaCloudEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes {@code ferry.backup.requested}: a record that cannot be read goes to the dead-letter
 * topic with the reason; a request that cannot be carried out (unknown namespace, no PVC) gives
 * {@code step.failed} of step {@code intake}; a valid one runs to its end before the record is
 * acknowledged, so a redelivery after a crash resumes the same backup (its names are derived).
 *
 * <p>A command that would take one snapshot too many of a PVC's disk is refused the same way, as
 * {@code SnapshotRateLimited}, retryable, the time to retry in the reason. It does not wait: a
 * waiting command would hold a worker thread and its uncommitted offset for up to the window, and a
 * burst of them for several windows, past what the throttled commit strategy lets a record age.
 */
@ApplicationScoped
public class BackupRequestedConsumer {

    private static final Logger LOG = Logger.getLogger(BackupRequestedConsumer.class);

    private final BackupAdmission admission;
    private final BackupExecution execution;
    private final EventPublisher publisher;
    private final MeterRegistry metrics;
    private final DeadLetters deadLetters;
    private final Clock clock;

    public BackupRequestedConsumer(BackupAdmission admission, BackupExecution execution, EventPublisher publisher,
                                   MeterRegistry metrics, DeadLetters deadLetters, Clock clock) {
        this.admission = admission;
        this.execution = execution;
        this.publisher = publisher;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    @Incoming(Channels.BACKUP_REQUESTED)
    @Blocking(ordered = false)
    public CompletionStage<Void> consume(Message<byte[]> message) {
        Map<String, String> headers = KafkaCloudEvents.headers(message);
        BackupRequested request;
        try {
            request = EventJson.readRecord(headers, message.getPayload(), BackupRequested.class);
        } catch (InvalidEventException e) {
            return deadLetters.unreadable(message, e);
        }
        MDC.put("backupId", request.backupId());
        try {
            BackupAdmission.Admitted admitted = admission.admit(request);
            if (admitted.isNew()) {
                execution.execute(admitted.run());
                metrics.counter("ferry.snapshot.requests", "outcome", "executed").increment();
            } else {
                LOG.infof("backup %s is already known (%s); nothing new to do", request.backupId(), admitted.run().state());
                metrics.counter("ferry.snapshot.requests", "outcome", "duplicate").increment();
            }
        } catch (BackupRefused e) {
            LOG.warnf("backup request refused: %s: %s %s", e.code(), e.getMessage(), e.details());
            metrics.counter("ferry.snapshot.requests", "outcome", "refused").increment();
            if (e.reason() == BackupRefused.Reason.SNAPSHOT_RATE_LIMITED) {
                metrics.counter(BackupAdmission.RATE_LIMITED_METRIC, "trigger", "kafka").increment();
            }
            String reason = e.details().isEmpty() ? e.getMessage() : e.getMessage() + " " + String.join("; ", e.details());
            // Retryable only when time alone stands in the way (a snapshot limit); the reason says when.
            publisher.publish(StepFailed.ofBackup(request.backupId(), request.correlationId(), Step.INTAKE, e.code(), reason,
                    e.retryable(), headers.get(CloudEventAttributes.HEADER_ID), headers.get(CloudEventAttributes.HEADER_TYPE),
                    clock.instant()));
        } catch (RuntimeException e) {
            return deadLetters.stepFailed(message, e);
        } finally {
            MDC.remove("backupId");
        }
        return message.ack();
    }
}
