package dev.ferry.events.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.events.validation.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Reads and writes event payloads as the contract's JSON: ISO-8601 times, absent rather than null
 * optional fields (a null is refused), unknown fields ignored (a newer producer may add some), required fields enforced.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private EventJson() {
    }

    /** Applies the contract's JSON settings to a mapper, e.g. the one a Quarkus service injects. */
    public static ObjectMapper configure(ObjectMapper mapper) {
        // A schema's types are exact: no 7 for "7", "true" for true, 1.5 for 1 or 0 for the first enum member.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Float)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Enum)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    /** The shared mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(FerryEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + event.eventType().type(), e);
        }
    }

    public static String writeString(FerryEvent event) {
        return new String(write(event), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Parses and validates a payload of the given type.
     *
     * @throws InvalidEventException if the JSON is malformed, lacks a required field or breaks a rule
     */
    public static <T extends FerryEvent> T read(byte[] json, Class<T> payload) {
        EventType type = EventType.of(payload);
        T event;
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
            event = tree == null || tree.isMissingNode() ? null : MAPPER.treeToValue(tree, payload);
        } catch (JsonMappingException e) {
            throw new InvalidEventException(type.type(), List.of(new Violation(path(e), describe(e))));
        } catch (IOException e) {
            throw new InvalidEventException(type.type(), List.of(new Violation("(document)",
                    "is not well-formed JSON: " + firstLine(e.getMessage()))));
        }
        if (event == null) {
            throw new InvalidEventException(type.type(), List.of(new Violation("(document)", "is empty or null")));
        }
        event.validate();
        // Last, so that Java's own messages explain what both refuse; what only the schema refuses is refused too.
        SchemaCheck.validate(type, tree);
        return event;
    }

    /**
     * Parses and validates a received Kafka record's payload: its {@code ce_type} header, if any,
     * must name {@code payload}'s type.
     *
     * @param headers the record's headers as text
     * @throws InvalidEventException naming the header or the fields that are wrong
     */
    public static <T extends FerryEvent> T readRecord(java.util.Map<String, String> headers, byte[] json, Class<T> payload) {
        String expected = EventType.of(payload).type();
        String type = headers.get(dev.ferry.events.cloudevents.CloudEventAttributes.HEADER_TYPE);
        if (type != null && !type.equals(expected)) {
            throw new InvalidEventException(expected, List.of(new Violation(
                    dev.ferry.events.cloudevents.CloudEventAttributes.HEADER_TYPE, "must be " + expected + " but is " + type)));
        }
        return read(json == null ? new byte[0] : json, payload);
    }

    /** Parses and validates a payload of the type a CloudEvents {@code type} names. */
    public static FerryEvent read(byte[] json, EventType type) {
        return read(json, type.payload());
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(document)" : path.toString();
    }

    private static String describe(JsonMappingException e) {
        // A cause of our own (a malformed resource id, an unknown enum name) explains better than Jackson's wrapper.
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return firstLine(cause.getMessage());
        }
        String message = firstLine(e.getOriginalMessage());
        if (message.startsWith("Missing required creator property")) {
            return "is required";
        }
        return message;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "cannot be read";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
