package dev.ferry.events.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ferry.events.EventType;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.events.validation.Violation;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a payload against its type's published JSON Schema, the one outside producers write from, so that a reader
 * never takes what the schema forbids (a null where a field must be left out, a number where a string belongs).
 * The schemas are read from this library's class path, never fetched. The contract's tests ask it too.
 */
public final class SchemaCheck {

    /** {@code format} (date-time) is asserted, not only annotated: a time must be one. */
    private static final SchemaValidatorsConfig ASSERT_FORMATS = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();
    private static final Map<EventType, JsonSchema> SCHEMAS = load();

    private SchemaCheck() {
    }

    /** What the type's schema finds wrong with the document; empty when the schema admits it. */
    public static Set<ValidationMessage> errors(EventType type, JsonNode payload) {
        return SCHEMAS.get(type).validate(payload);
    }

    /** @throws InvalidEventException naming every field the schema finds wrong */
    static void validate(EventType type, JsonNode payload) {
        Set<ValidationMessage> errors = errors(type, payload);
        if (!errors.isEmpty()) {
            List<Violation> violations = errors.stream().map(SchemaCheck::violation).toList();
            throw new InvalidEventException(type.type(), violations);
        }
    }

    private static Violation violation(ValidationMessage error) {
        String location = error.getInstanceLocation().toString();
        String field = location.startsWith("$.") ? location.substring(2) : location.startsWith("$[") ? location.substring(1) : "";
        if ("required".equals(error.getType()) && error.getProperty() != null) {
            field = field.isEmpty() ? error.getProperty() : field + "." + error.getProperty();
        }
        String message = error.getMessage();
        int colon = message.indexOf(": ");
        if (message.startsWith("$") && colon > 0) {
            message = message.substring(colon + 2);
        }
        return new Violation(field.isEmpty() ? "(document)" : field, "breaks the schema: " + message);
    }

    private static Map<EventType, JsonSchema> load() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(EventType.SCHEMA_BASE_URI, "classpath:schemas/")));
        Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            JsonSchema schema = factory.getSchema(SchemaLocation.of(type.dataSchema().toString()), ASSERT_FORMATS);
            schema.initializeValidators();
            schemas.put(type, schema);
        }
        return schemas;
    }
}
