package dev.ferry.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ferry's AsyncAPI document ({@code asyncapi/ferry.asyncapi.yaml}) is valid AsyncAPI 3.0 (against the specification's
 * own JSON Schema, from the npm package {@code @asyncapi/specs} the build installs) and says what the contract's code
 * says: one channel per topic and one per dead-letter topic, each type's message with its {@code ce_type} and its
 * payload schema, and every reference resolves. The services' own channels are checked against it in e2e.
 */
class AsyncApiDocumentTest {

    static final String DOCUMENT = "asyncapi/ferry.asyncapi.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The topics whose consumer dead-letters what it cannot take (the others' readers count and skip). */
    static final Set<String> DEAD_LETTERED = Set.of(Topics.BACKUP_REQUESTED, Topics.SNAPSHOT_TAKEN, Topics.VHD_EXPORTED,
            Topics.SNAPSHOT_RECREATED, Topics.RESTORE_REQUESTED);

    @Test
    void theDocumentIsValidAsyncApi3() throws IOException {
        Path specs = Path.of(System.getProperty("ferry.asyncapi.specs", "node_modules/@asyncapi/specs"));
        Path metaSchema = specs.resolve("schemas/3.0.0-without-$id.json");
        assertThat(metaSchema).as("the build's npm install of @asyncapi/specs").exists();
        JsonNode schema = YAML.readTree(Files.readAllBytes(metaSchema));

        var errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema).validate(document());

        assertThat(errors).isEmpty();
        assertThat(document().path("asyncapi").asText()).isEqualTo("3.0.0");
    }

    @Test
    void itHasAChannelForEveryTopicAndEveryDeadLetterTopicAndNothingElse() {
        Set<String> addresses = new HashSet<>();
        document().path("channels").forEach(channel -> addresses.add(channel.path("address").asText()));

        Set<String> expected = new HashSet<>(Topics.ALL);
        DEAD_LETTERED.forEach(topic -> expected.add(Topics.dlq(topic)));
        assertThat(addresses).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void eachTypesMessageNamesItsTypeAndItsSchema(EventType type) {
        JsonNode channel = channelOf(type.topic());
        List<JsonNode> messages = new ArrayList<>();
        channel.path("messages").forEach(ref -> messages.add(resolve(ref.path("$ref").asText())));
        assertThat(messages).hasSize(1);
        JsonNode message = messages.get(0);

        assertThat(message.path("name").asText()).isEqualTo(type.type());
        assertThat(message.findValues("ce_type").stream().map(n -> n.path("const").asText()).toList()).contains(type.type());
        assertThat(message.findValues("ce_dataschema").stream().map(n -> n.path("const").asText()).toList())
                .contains(type.dataSchema().toString());
        assertThat(message.path("payload").path("schema").path("$ref").asText()).isEqualTo("../" + type.schemaResource());
        assertThat(message.path("bindings").path("kafka").path("key").path("type").asText()).isEqualTo("string");
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = document().findValues("$ref").stream().map(JsonNode::asText).toList();
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            if (ref.startsWith("#/")) {
                assertThat(resolve(ref).isMissingNode()).as(ref).isFalse();
            } else {
                String resource = Path.of("asyncapi").resolve(ref).normalize().toString().replace('\\', '/');
                assertThat(getClass().getClassLoader().getResource(resource)).as(ref).isNotNull();
            }
        }
    }

    @Test
    void everyOperationNamesTheServiceThatDoesIt() {
        Set<String> services = new HashSet<>();
        document().path("operations").forEach(operation -> services.add(operation.path("x-ferry-service").asText()));
        assertThat(services).containsExactlyInAnyOrder("snapshot-service", "export-service", "import-service",
                "restore-service", "external-systems");
    }

    private static JsonNode channelOf(String topic) {
        List<JsonNode> found = new ArrayList<>();
        document().path("channels").forEach(channel -> {
            if (topic.equals(channel.path("address").asText())) {
                found.add(channel);
            }
        });
        assertThat(found).as(topic).hasSize(1);
        return found.get(0);
    }

    private static JsonNode resolve(String pointer) {
        return document().at(pointer.substring(1));
    }

    static JsonNode document() {
        try (InputStream in = AsyncApiDocumentTest.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            assertThat(in).as(DOCUMENT).isNotNull();
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
