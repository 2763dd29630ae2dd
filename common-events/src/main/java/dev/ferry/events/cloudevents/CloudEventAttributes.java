package dev.ferry.events.cloudevents;

import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The CloudEvents 1.0 context attributes of a Ferry event, and their Kafka binary-mode headers
 * ({@code ce_*}, with {@code content-type} for {@code datacontenttype}).
 */
public record CloudEventAttributes(
        String id,
        URI source,
        String type,
        String subject,
        Instant time,
        String dataContentType,
        URI dataSchema) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";

    public static final String HEADER_SPEC_VERSION = "ce_specversion";
    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_SOURCE = "ce_source";
    public static final String HEADER_TYPE = "ce_type";
    public static final String HEADER_SUBJECT = "ce_subject";
    public static final String HEADER_TIME = "ce_time";
    public static final String HEADER_DATA_SCHEMA = "ce_dataschema";
    public static final String HEADER_CONTENT_TYPE = "content-type";

    /** The attributes of a new event: a fresh id, the payload's type, subject and schema, the clock's time. */
    public static CloudEventAttributes forEvent(FerryEvent event, EventSource source, Clock clock) {
        EventType type = event.eventType();
        return new CloudEventAttributes(UUID.randomUUID().toString(), source.uri(), type.type(), event.subject(),
                clock.instant(), JSON, type.dataSchema());
    }

    /** The Kafka headers of binary content mode, in a stable order. */
    public Map<String, String> kafkaHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HEADER_SPEC_VERSION, SPEC_VERSION);
        headers.put(HEADER_ID, id);
        headers.put(HEADER_SOURCE, source.toString());
        headers.put(HEADER_TYPE, type);
        if (subject != null) {
            headers.put(HEADER_SUBJECT, subject);
        }
        headers.put(HEADER_TIME, time.toString());
        headers.put(HEADER_CONTENT_TYPE, dataContentType);
        headers.put(HEADER_DATA_SCHEMA, dataSchema.toString());
        return headers;
    }

    /**
     * Reads the attributes back from Kafka headers.
     *
     * @throws IllegalArgumentException naming the header that is missing or malformed
     */
    public static CloudEventAttributes fromKafkaHeaders(Map<String, String> headers) {
        String specVersion = headers.get(HEADER_SPEC_VERSION);
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new IllegalArgumentException(HEADER_SPEC_VERSION + " must be " + SPEC_VERSION + " but is " + specVersion);
        }
        try {
            String time = headers.get(HEADER_TIME);
            String schema = headers.get(HEADER_DATA_SCHEMA);
            return new CloudEventAttributes(
                    require(headers, HEADER_ID),
                    URI.create(require(headers, HEADER_SOURCE)),
                    require(headers, HEADER_TYPE),
                    headers.get(HEADER_SUBJECT),
                    time == null ? null : Instant.parse(time),
                    headers.getOrDefault(HEADER_CONTENT_TYPE, JSON),
                    schema == null ? null : URI.create(schema));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(HEADER_TIME + " is not an RFC 3339 time");
        }
    }

    private static String require(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("header " + name + " is required");
        }
        return value;
    }
}
