package dev.ferry.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published contract and the Java records agree: every valid example passes the JSON Schema
 * and the Java validation and survives a round trip unchanged; every invalid example fails both.
 */
class EventContractTest {

    /** Each type's {@code <type>.valid.json}, and further valid examples named {@code <type>.valid.<case>.json}. */
    static Stream<Arguments> validExamples() {
        return examples().filter(name -> name.contains(".valid."))
                .map(name -> Arguments.of(typeOfExample(name), name));
    }

    static Stream<Arguments> invalidExamples() {
        return examples().filter(name -> name.contains(".invalid."))
                .map(name -> Arguments.of(typeOfExample(name), name));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("validExamples")
    void validExamplePassesSchemaAndJavaAndRoundTrips(EventType type, String example) throws IOException {
        byte[] json = readExample(example);
        JsonNode original = EventJson.mapper().readTree(json);

        assertThat(schemaErrors(type, original)).isEmpty();
        FerryEvent event = EventJson.read(json, type);
        assertThat(event).isInstanceOf(type.payload());
        assertThat(EventJson.mapper().readTree(EventJson.write(event))).isEqualTo(original);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidExamples")
    void invalidExampleFailsSchemaAndJava(EventType type, String example) throws IOException {
        byte[] json = readExample(example);

        assertThat(schemaErrors(type, EventJson.mapper().readTree(json))).isNotEmpty();
        assertThatThrownBy(() -> EventJson.read(json, type))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).violations()).isNotEmpty());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyTypeHasASchemaWhoseIdIsItsDataSchemaAndAnInvalidExample(EventType type) throws IOException {
        JsonNode schema = EventJson.mapper().readTree(resource(type.schemaResource()));
        assertThat(schema.path("$id").asText()).isEqualTo(type.dataSchema().toString());
        assertThat(examples().filter(name -> name.startsWith(type.type() + ".invalid."))).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void unknownFieldsAreAcceptedAtEveryLevel(EventType type) throws IOException {
        ObjectNode json = (ObjectNode) EventJson.mapper().readTree(readExample(type.type() + ".valid.json"));
        json.put("addedByANewerProducer", "x");
        if (json.get("volume") instanceof ObjectNode volume) {
            ((ObjectNode) volume.get("pvc")).put("anotherNewField", 42);
        }

        assertThat(schemaErrors(type, json)).isEmpty();
        FerryEvent event = EventJson.read(EventJson.mapper().writeValueAsBytes(json), type);
        assertThat(EventJson.mapper().readTree(EventJson.write(event)).has("addedByANewerProducer")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyRequiredFieldIsRequiredByBoth(EventType type) throws IOException {
        JsonNode schema = EventJson.mapper().readTree(resource(type.schemaResource()));
        JsonNode valid = EventJson.mapper().readTree(readExample(type.type() + ".valid.json"));
        for (JsonNode required : schema.get("required")) {
            ObjectNode json = valid.deepCopy();
            json.remove(required.asText());

            assertThat(schemaErrors(type, json)).as("schema without %s", required).isNotEmpty();
            assertThatThrownBy(() -> EventJson.read(EventJson.mapper().writeValueAsBytes(json), type))
                    .as("Java without %s", required)
                    .isInstanceOf(InvalidEventException.class)
                    .satisfies(e -> assertThat(((InvalidEventException) e).fields()).contains(required.asText()));
        }
    }

    /**
     * A producer that writes from the schema may leave out anything the schema does not require:
     * leaving out any one field of a valid example, at any depth, gives a payload that Java reads if
     * and only if the schema admits it, and then with the schema's default for a field that has one.
     */
    @ParameterizedTest
    @EnumSource(EventType.class)
    void leavingOutAnyOneFieldIsReadExactlyAsTheSchemaSays(EventType type) throws IOException {
        JsonNode valid = EventJson.mapper().readTree(readExample(type.type() + ".valid.json"));
        JsonNode defaults = EventJson.mapper().readTree(resource(type.schemaResource())).path("properties");
        List<List<String>> paths = fieldPaths(valid);
        assertThat(paths).isNotEmpty();
        for (List<String> path : paths) {
            JsonNode pruned = without(valid, path);
            byte[] bytes = EventJson.mapper().writeValueAsBytes(pruned);
            if (schemaErrors(type, pruned).isEmpty()) {
                FerryEvent event = EventJson.read(bytes, type);
                JsonNode written = EventJson.mapper().readTree(EventJson.write(event));
                if (path.size() == 1 && defaults.path(path.get(0)).has("default") && written.has(path.get(0))) {
                    assertThat(written.get(path.get(0))).as("%s left out reads as its default", path)
                            .isEqualTo(defaults.path(path.get(0)).get("default"));
                }
            } else {
                assertThatThrownBy(() -> EventJson.read(bytes, type)).as("Java without %s", path)
                        .isInstanceOf(InvalidEventException.class);
            }
        }
    }

    /**
     * A producer may send only what the schema requires, at every depth: the valid example with every field left out
     * that the schema lets go (one at a time, until none can go) is read, and what Java writes back is admitted.
     */
    @ParameterizedTest
    @EnumSource(EventType.class)
    void aPayloadWithOnlyTheRequiredFieldsIsRead(EventType type) throws IOException {
        JsonNode minimal = EventJson.mapper().readTree(readExample(type.type() + ".valid.json"));
        boolean removed = true;
        while (removed) {
            removed = false;
            for (List<String> path : fieldPaths(minimal)) {
                JsonNode pruned = without(minimal, path);
                if (schemaErrors(type, pruned).isEmpty()) {
                    minimal = pruned;
                    removed = true;
                    break;
                }
            }
        }
        JsonNode schema = EventJson.mapper().readTree(resource(type.schemaResource()));
        Set<String> required = new java.util.HashSet<>();
        schema.get("required").forEach(name -> required.add(name.asText()));
        Set<String> left = new java.util.HashSet<>();
        minimal.fieldNames().forEachRemaining(left::add);
        assertThat(left).as("only required fields are left, or one of a oneOf").containsAll(required);

        FerryEvent event = EventJson.read(EventJson.mapper().writeValueAsBytes(minimal), type);
        assertThat(schemaErrors(type, EventJson.mapper().readTree(EventJson.write(event)))).isEmpty();
    }

    /** The path of every field of every object in the document, the objects in arrays included. */
    private static List<List<String>> fieldPaths(JsonNode document) {
        return Contract.paths(document).stream().filter(path -> Contract.parentOf(document, path).isObject()).toList();
    }

    private static JsonNode without(JsonNode document, List<String> path) {
        JsonNode copy = document.deepCopy();
        ((ObjectNode) Contract.parentOf(copy, path)).remove(path.get(path.size() - 1));
        return copy;
    }

    @Test
    void examplesCoverExactlyTheKnownTypes() {
        Set<EventType> covered = Set.copyOf(examples().map(EventContractTest::typeOfExample).toList());
        assertThat(covered).containsExactlyInAnyOrder(EventType.values());
    }

    private static List<ValidationMessage> schemaErrors(EventType type, JsonNode json) {
        return Contract.schemaErrors(type, json);
    }

    private static Stream<String> examples() {
        return Contract.examples();
    }

    private static EventType typeOfExample(String name) {
        return Contract.typeOfExample(name);
    }

    private static byte[] readExample(String name) {
        return Contract.example(name);
    }

    private static byte[] resource(String name) {
        return Contract.resource(name);
    }
}
