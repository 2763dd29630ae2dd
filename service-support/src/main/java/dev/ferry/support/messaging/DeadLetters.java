package dev.ferry.support.messaging;

import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.validation.InvalidEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Sends a record to its topic's dead-letter topic ({@code <topic>.dlq}, the channel's failure strategy) in one way for
 * every service: with a {@value #REASON_HEADER} header a producer can act on, beside SmallRye's own
 * {@code dead-letter-reason} (the message) and {@code dead-letter-topic/-partition/-offset}, and counted in
 * {@value #METRIC} by topic and reason.
 */
@ApplicationScoped
public class DeadLetters {

    /** The header naming why a record was dead-lettered, one of {@link Reason}'s codes. */
    public static final String REASON_HEADER = "ferry-dead-letter-reason";
    /** Records dead-lettered, tagged {@code topic} and {@code reason}. */
    public static final String METRIC = "ferry.dead.letters";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    /** Why a record went to the dead-letter topic. */
    public enum Reason {
        /** The payload breaks the contract: not JSON, a field missing or of the wrong kind, a rule broken. */
        INVALID_EVENT,
        /** Its {@code ce_type} header names another event type than the topic carries. */
        WRONG_TYPE,
        /** A readable event whose step failed in a way the service could not report as a {@code step.failed}. */
        STEP_ERROR;

        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Reason of(Throwable failure) {
            if (failure instanceof InvalidEventException invalid) {
                return invalid.fields().contains(CloudEventAttributes.HEADER_TYPE) ? WRONG_TYPE : INVALID_EVENT;
            }
            return STEP_ERROR;
        }
    }

    private final MeterRegistry metrics;

    public DeadLetters(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** Dead-letters a record that could not be read: logged as a warning, counted, nacked to the dead-letter topic. */
    public CompletionStage<Void> unreadable(Message<?> message, InvalidEventException e) {
        LOG.warnf("dead-lettering an unreadable record of %s: %s", topic(message), e.getMessage());
        return send(message, e);
    }

    /** Dead-letters a record whose step failed unexpectedly. */
    public CompletionStage<Void> stepFailed(Message<?> message, Throwable cause) {
        LOG.errorf(cause, "dead-lettering a record of %s whose step failed", topic(message));
        return send(message, cause);
    }

    private CompletionStage<Void> send(Message<?> message, Throwable failure) {
        Reason reason = Reason.of(failure);
        metrics.counter(METRIC, "topic", topic(message), "reason", reason.code()).increment();
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.code().getBytes(StandardCharsets.UTF_8));
        return message.nack(failure, Metadata.of(OutgoingKafkaRecordMetadata.builder().withHeaders(headers).build()));
    }

    private static String topic(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getTopic)
                .orElse("unknown");
    }
}
