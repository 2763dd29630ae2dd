package dev.ferry.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.json.SchemaCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The published contract as the tests read it: each type's JSON Schema and its examples, from the class path. */
final class Contract {

    private Contract() {
    }

    /** What the type's schema finds wrong with the document (as readers check it); empty when the schema admits it. */
    static List<ValidationMessage> schemaErrors(EventType type, JsonNode json) {
        return List.copyOf(SchemaCheck.errors(type, json));
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

    /** The path of every value below the document's root, object fields and array elements (by index), depth first. */
    static List<List<String>> paths(JsonNode document) {
        List<List<String>> paths = new ArrayList<>();
        paths(document, List.of(), paths);
        return paths;
    }

    private static void paths(JsonNode node, List<String> prefix, List<List<String>> into) {
        List<String> steps = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(steps::add);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                steps.add(Integer.toString(i));
            }
        }
        for (String step : steps) {
            List<String> path = new ArrayList<>(prefix);
            path.add(step);
            into.add(path);
            paths(child(node, step), path, into);
        }
    }

    /** The object or array that holds the value at {@code path}. */
    static JsonNode parentOf(JsonNode document, List<String> path) {
        JsonNode parent = document;
        for (String step : path.subList(0, path.size() - 1)) {
            parent = child(parent, step);
        }
        return parent;
    }

    private static JsonNode child(JsonNode node, String step) {
        return node.isArray() ? node.get(Integer.parseInt(step)) : node.get(step);
    }

    static JsonNode tree(byte[] json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
