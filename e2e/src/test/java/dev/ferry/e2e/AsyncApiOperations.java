package dev.ferry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;

/** The operations of common-events' AsyncAPI document (from the class path): who sends or receives which topic. */
final class AsyncApiOperations {

    private AsyncApiOperations() {
    }

    /** The topics the document's operations of {@code who} (an {@code x-ferry-service}) take {@code action} on. */
    static Set<String> topics(String who, String action) {
        JsonNode document = document();
        Set<String> out = new TreeSet<>();
        document.path("operations").forEach(operation -> {
            if (who.equals(operation.path("x-ferry-service").asText()) && action.equals(operation.path("action").asText())) {
                out.add(document.at(operation.path("channel").path("$ref").asText().substring(1)).path("address").asText());
            }
        });
        return out;
    }

    /** Every channel's address: each topic and dead-letter topic. */
    static Set<String> allTopics() {
        Set<String> out = new TreeSet<>();
        document().path("channels").forEach(channel -> out.add(channel.path("address").asText()));
        return out;
    }

    private static JsonNode document() {
        try (InputStream in = AsyncApiOperations.class.getClassLoader().getResourceAsStream("asyncapi/ferry.asyncapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("common-events' AsyncAPI document is not on the class path");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
