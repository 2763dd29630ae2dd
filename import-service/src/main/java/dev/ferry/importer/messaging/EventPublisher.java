package dev.ferry.importer.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.importer.config.ImportConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends the service's events as CloudEvents in Kafka binary mode, keyed by volume, and waits for
 * the broker's acknowledgement: a state change is never fired and forgotten.
 */
@ApplicationScoped
public class EventPublisher {

    static final String SERVICE = "import-service";

    private final MutinyEmitter<byte[]> recreated;
    private final MutinyEmitter<byte[]> failed;
    private final EventSource source;
    private final Clock clock;

    public EventPublisher(@Channel(Channels.SNAPSHOT_RECREATED) MutinyEmitter<byte[]> recreated,
                          @Channel(Channels.STEP_FAILED) MutinyEmitter<byte[]> failed,
                          ImportConfig config, Clock clock) {
        this.recreated = recreated;
        this.failed = failed;
        this.source = new EventSource(SERVICE, config.cluster());
        this.clock = clock;
    }

    /** Sends a {@code SnapshotRecreated} and returns once the broker has it. */
    public void snapshotRecreated(FerryEvent event) {
        send(recreated, event);
    }

    /** Sends a {@code StepFailed} and returns once the broker has it. */
    public void stepFailed(FerryEvent event) {
        send(failed, event);
    }

    private void send(MutinyEmitter<byte[]> emitter, FerryEvent event) {
        EventEnvelope envelope = EventEnvelope.of(event, source, clock);
        RecordHeaders headers = new RecordHeaders();
        envelope.attributes().kafkaHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(envelope.key()).withHeaders(headers).build();
        emitter.sendMessageAndAwait(Message.of(EventJson.write(event)).addMetadata(metadata));
    }
}
