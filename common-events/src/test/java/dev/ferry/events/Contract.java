package dev.ferry.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ferry.events.json.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The published contract as the tests read it: each type's JSON Schema and its examples, from the class path. */
final class Contract {

    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(EventType.SCHEMA_BASE_URI, "classpath:schemas/")));
    /** {@code format} (date-time) is asserted, not only annotated: a time must be one. */
    private static final SchemaValidatorsConfig ASSERT_FORMATS = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();
    private static final Map<EventType, JsonSchema> COMPILED = new ConcurrentHashMap<>();

    private Contract() {
    }

    /** What the type's schema finds wrong with the document; empty when the schema admits it. */
    static List<ValidationMessage> schemaErrors(EventType type, JsonNode json) {
        JsonSchema schema = COMPILED.computeIfAbsent(type,
                t -> SCHEMAS.getSchema(SchemaLocation.of(t.dataSchema().toString()), ASSERT_FORMATS));
        return List.copyOf(schema.validate(json));
    }

    static JsonNode schema(EventType type) {
        return tree(resource(type.schemaResource()));
    }

    static JsonNode commonSchema() {
        return tree(resource("schemas/ferry.common.v1.schema.json"));
    }

    /** The type an example's file name names ({@code <type>.valid.json}, {@code <type>.invalid.<case>.json}). */
    static EventType typeOfExample(String name) {
        String type = name.substring(0, name.indexOf(".v1.") + 3);
        return EventType.fromType(type).orElseThrow(() -> new AssertionError("example of unknown type: " + name));
    }

    /** The file names of every example, sorted. */
    static Stream<String> examples() {
        URL dir = Contract.class.getClassLoader().getResource("schemas/examples");
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] example(String name) {
        return resource("schemas/examples/" + name);
    }

    static byte[] resource(String name) {
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(byte[] json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
