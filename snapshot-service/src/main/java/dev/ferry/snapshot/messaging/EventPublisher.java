package dev.ferry.snapshot.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.StepFailed;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.snapshot.BackupEvents;
import dev.ferry.snapshot.config.SnapshotConfig;
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
public class EventPublisher implements BackupEvents {

    static final String SERVICE = "snapshot-service";

    private final MutinyEmitter<byte[]> taken;
    private final MutinyEmitter<byte[]> failed;
    private final EventSource source;
    private final Clock clock;

    public EventPublisher(@Channel(Channels.SNAPSHOT_TAKEN) MutinyEmitter<byte[]> taken,
                          @Channel(Channels.STEP_FAILED) MutinyEmitter<byte[]> failed,
                          SnapshotConfig config, Clock clock) {
        this.taken = taken;
        this.failed = failed;
        this.source = new EventSource(SERVICE, config.cluster());
        this.clock = clock;
    }

    /** Sends a {@code SnapshotTaken} and returns once the broker has it. */
    @Override
    public void snapshotTaken(SnapshotTaken event) {
        send(taken, event);
    }

    /** Sends a {@code StepFailed} and returns once the broker has it. */
    @Override
    public void stepFailed(StepFailed event) {
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
