package dev.ferry.events.cloudevents;

import dev.ferry.events.FerryEvent;
import java.time.Clock;

/** A validated event ready to send: its topic, its Kafka key, its CloudEvents attributes and its payload. */
public record EventEnvelope(String topic, String key, CloudEventAttributes attributes, FerryEvent payload) {

    /**
     * Validates the payload and builds what Kafka needs to carry it.
     *
     * @throws dev.ferry.events.validation.InvalidEventException if the payload breaks the contract:
     *         Ferry never sends an event its consumers would dead-letter
     */
    public static EventEnvelope of(FerryEvent payload, EventSource source, Clock clock) {
        payload.validate();
        return new EventEnvelope(payload.eventType().topic(), payload.kafkaKey(),
                CloudEventAttributes.forEvent(payload, source, clock), payload);
    }
}
