package dev.ferry.support.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Ferry's events as SmallRye Kafka messages: CloudEvents binary mode, keyed by volume, JSON payload. */
public final class KafkaCloudEvents {

    private KafkaCloudEvents() {
    }

    /**
     * A message carrying a validated event: its JSON, its topic, its Kafka key and its {@code ce_*} headers.
     *
     * @throws dev.ferry.events.validation.InvalidEventException if the event breaks the contract
     */
    public static Message<byte[]> message(FerryEvent event, EventSource source, Clock clock) {
        EventEnvelope envelope = EventEnvelope.of(event, source, clock);
        RecordHeaders headers = new RecordHeaders();
        envelope.attributes().kafkaHeaders().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(envelope.topic()).withKey(envelope.key()).withHeaders(headers).build();
        return Message.of(EventJson.write(event)).addMetadata(metadata);
    }

    /** A received record's headers as text (to read its {@code ce_*} attributes). */
    public static Map<String, String> headers(Message<?> message) {
        Map<String, String> headers = new HashMap<>();
        message.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(metadata -> {
            for (Header header : metadata.getHeaders()) {
                if (header.value() != null) {
                    headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                }
            }
        });
        return headers;
    }
}
