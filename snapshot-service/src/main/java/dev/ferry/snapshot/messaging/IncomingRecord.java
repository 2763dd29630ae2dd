package dev.ferry.snapshot.messaging;

import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.events.validation.Violation;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Reads a Kafka record of one Ferry event type: its ce_* headers and its validated payload. */
final class IncomingRecord {

    private IncomingRecord() {
    }

    static Map<String, String> headers(Message<byte[]> message) {
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

    /**
     * The payload, if the record is of the expected type (or says no type) and valid.
     *
     * @throws InvalidEventException naming what is wrong
     */
    static <T extends FerryEvent> T read(Message<byte[]> message, Map<String, String> headers, Class<T> payload) {
        String expected = EventType.of(payload).type();
        String type = headers.get(CloudEventAttributes.HEADER_TYPE);
        if (type != null && !type.equals(expected)) {
            throw new InvalidEventException(expected, List.of(new Violation(CloudEventAttributes.HEADER_TYPE,
                    "must be " + expected + " but is " + type)));
        }
        return EventJson.read(message.getPayload() == null ? new byte[0] : message.getPayload(), payload);
    }
}
