package dev.ferry.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * A producer in any language writes Ferry's events from the JSON Schemas alone, so the Java readers must take exactly
 * what the schemas admit: payloads are generated from every type's valid examples by random edits guided by the
 * schemas (a field left out, set to null, to another value the schemas name, to a value of another kind, an unknown
 * field added, an array emptied or grown), one to four edits each, and for every one the schema's verdict and the
 * reader's must agree. Admitted: read, and what Java writes back is admitted too, with a left-out field that has a
 * default read as its default. Refused: {@link InvalidEventException} naming at least one field, never another
 * exception.
 *
 * <p>CI runs a fixed seed; {@code ./mvnw -pl common-events test -Dgroups=contract-long} runs the long version with
 * a fresh seed each time (README).
 */
class ReadersAgreeWithSchemasTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<JsonNode> OTHER_KINDS = List.of(JSON.nullNode(), JSON.textNode(""), JSON.textNode(" "),
            JSON.textNode("x"), JSON.textNode("Not-A-Label"), JSON.textNode("a".repeat(1100)), JSON.numberNode(0),
            JSON.numberNode(-1), JSON.numberNode(1), JSON.numberNode(1.5), JSON.numberNode(2147483648L),
            JSON.numberNode(new java.math.BigInteger("18446744073709551616")), JSON.booleanNode(true),
            JSON.booleanNode(false), JSON.objectNode(), JSON.arrayNode(), JSON.textNode("1"),
            JSON.textNode("2026-12-02T10:00:00Z"), JSON.textNode("2026-12-02T10:00:00.5+01:00"),
            JSON.textNode("2026-12-02 10:00:00"), JSON.textNode("2026-13-45T25:61:00Z"),
            JSON.textNode("https://account.blob.core.windows.net/vhds/a.vhd?sig=secret"));

    /** The valid examples, from which every payload is made. */
    private static final List<String> VALID = Contract.examples().filter(name -> name.contains(".valid.")).toList();

    /** Every value a schema names (enum members, constants, defaults), the values a producer is most likely to send. */
    private static final List<JsonNode> NAMED = namedValues();

    /** Every field value of every valid example, keyed by field name: realistic values for a field of that name. */
    private static final Map<String, List<JsonNode>> BY_NAME = valuesByFieldName();

    /**
     * The rules between fields that JSON Schema cannot state (no schema keyword compares two values): each is written
     * in the description of its field in the schema, and a payload the schema admits may be refused for these alone.
     */
    static final List<Rule> BEYOND_THE_SCHEMA = List.of(
            new Rule("completedAt", "must not be before startedAt"),
            new Rule("bytesDone", "must not exceed bytesTotal"),
            new Rule("bytesMoved", "must not exceed bytesTotal"),
            new Rule("sizeBytes", "must be a whole number of MiB plus the 512-byte footer"),
            new Rule("volumeIndex", "must be from 0 to volumeCount - 1"),
            new Rule("target.region", "must differ from source.region"),
            new Rule("previousSnapshotId", "must differ from snapshotId"));

    /** A rule of Java's readers on a field (the end of its path) that the schema only describes. */
    record Rule(String field, String message) {
        boolean explains(dev.ferry.events.validation.Violation violation) {
            return (violation.field().equals(field) || violation.field().endsWith("." + field))
                    && violation.message().startsWith(message);
        }
    }

    @net.jqwik.api.Example
    void everyRuleBeyondTheSchemaIsWrittenInTheSchema() {
        String schemas = java.util.stream.Stream.concat(java.util.stream.Stream.of(Contract.commonSchema()),
                java.util.Arrays.stream(EventType.values()).map(Contract::schema)).map(JsonNode::toString)
                .collect(Collectors.joining());
        for (Rule rule : BEYOND_THE_SCHEMA) {
            String field = rule.field().substring(rule.field().lastIndexOf('.') + 1);
            assertThat(schemas).as(rule.toString())
                    .contains("Readers also check what JSON Schema cannot state: "
                            + (rule.field().contains(".") ? rule.field() + " " : "") + rule.message() + ".");
            assertThat(schemas).contains("\"" + field + "\"");
        }
    }

    @Property(tries = 3000, seed = "20261202")
    void theReaderTakesExactlyWhatTheSchemaAdmits(@ForAll("payloads") Payload payload) {
        checkAgreement(payload);
    }

    @Property(tries = 100_000)
    @Tag("contract-long")
    void theReaderTakesExactlyWhatTheSchemaAdmitsLongRun(@ForAll("payloads") Payload payload) {
        checkAgreement(payload);
    }

    private static void checkAgreement(Payload payload) {
        boolean admitted = Contract.schemaErrors(payload.type(), payload.json()).isEmpty();
        byte[] bytes = bytes(payload.json());
        FerryEvent event;
        try {
            event = EventJson.read(bytes, payload.type());
        } catch (InvalidEventException refused) {
            assertThat(refused.fields()).as("a refusal names the field").isNotEmpty().doesNotContainNull();
            if (admitted) {
                assertThat(refused.violations()).as("the schema admits %s, Java refuses it", payload)
                        .allMatch(v -> BEYOND_THE_SCHEMA.stream().anyMatch(rule -> rule.explains(v)));
            }
            return;
        }
        assertThat(admitted).as("the schema refuses %s (%s), Java reads it", payload,
                Contract.schemaErrors(payload.type(), payload.json())).isTrue();
        JsonNode written = Contract.tree(EventJson.write(event));
        assertThat(Contract.schemaErrors(payload.type(), written)).as("what Java writes back of %s", payload).isEmpty();
        JsonNode properties = Contract.schema(payload.type()).path("properties");
        properties.fieldNames().forEachRemaining(field -> {
            JsonNode fallback = properties.get(field).get("default");
            if (fallback != null && !payload.json().has(field) && written.has(field)) {
                assertThat(written.get(field)).as("%s left out of %s reads as its default", field, payload)
                        .isEqualTo(fallback);
            }
        });
    }

    @Provide
    Arbitrary<Payload> payloads() {
        Arbitrary<String> example = Arbitraries.of(VALID);
        Arbitrary<List<Edit>> edits = edit().list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(example, edits).as((name, list) -> {
            JsonNode json = Contract.tree(Contract.example(name));
            List<String> applied = new ArrayList<>();
            for (Edit e : list) {
                applied.add(e.apply(json));
            }
            return new Payload(Contract.typeOfExample(name), name, json, applied);
        });
    }

    private static Arbitrary<Edit> edit() {
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        return Arbitraries.oneOf(
                where.map(RemoveField::new),
                where.map(at -> new SetValue(at, JSON.nullNode(), "null")),
                Combinators.combine(where, Arbitraries.of(NAMED)).as((at, v) -> new SetValue(at, v, "a named value")),
                Combinators.combine(where, Arbitraries.of(OTHER_KINDS)).as((at, v) -> new SetValue(at, v, "another kind")),
                Combinators.combine(where, Arbitraries.doubles().between(0, 1)).as(SameNameValue::new),
                where.map(AddUnknownField::new),
                Combinators.combine(where, Arbitraries.integers().between(0, 2)).as(ResizeArray::new));
    }

    /** A generated payload: its type, the example it was made from and what was done to it. */
    record Payload(EventType type, String example, JsonNode json, List<String> edits) {
        @Override
        public String toString() {
            return example + " " + edits + ": " + json;
        }
    }

    /** One random change to a document, at a position given as a fraction of its fields; says what it did. */
    private interface Edit {
        String apply(JsonNode document);
    }

    /** A field somewhere in the document (never the document itself): its parent and its name or index. */
    private record Spot(JsonNode parent, String name, List<String> path) {
        JsonNode value() {
            return parent.isArray() ? parent.get(Integer.parseInt(name)) : parent.get(name);
        }

        void set(JsonNode value) {
            if (parent instanceof ArrayNode array) {
                array.set(Integer.parseInt(name), value);
            } else {
                ((ObjectNode) parent).set(name, value);
            }
        }

        String field() {
            String last = path.get(path.size() - 1);
            return parent.isArray() ? path.get(path.size() - 2) : last;
        }
    }

    /** Every field and array element of the document, depth first. */
    private static List<Spot> spots(JsonNode document) {
        return Contract.paths(document).stream()
                .map(path -> new Spot(Contract.parentOf(document, path), path.get(path.size() - 1), path)).toList();
    }

    private static Spot spotAt(JsonNode document, double at) {
        List<Spot> spots = spots(document);
        return spots.isEmpty() ? null : pick(spots, at);
    }

    /** The element at the fraction {@code at} (0 to 1) of a non-empty list. */
    private static <T> T pick(List<T> list, double at) {
        return list.get(Math.min(list.size() - 1, (int) (at * list.size())));
    }

    private record RemoveField(double at) implements Edit {
        @Override
        public String apply(JsonNode document) {
            Spot spot = spotAt(document, at);
            if (spot == null) {
                return "nothing to remove";
            }
            if (spot.parent() instanceof ArrayNode array) {
                array.remove(Integer.parseInt(spot.name()));
            } else {
                ((ObjectNode) spot.parent()).remove(spot.name());
            }
            return "removed " + String.join(".", spot.path());
        }
    }

    private record SetValue(double at, JsonNode value, String what) implements Edit {
        @Override
        public String apply(JsonNode document) {
            Spot spot = spotAt(document, at);
            if (spot == null) {
                return "nothing to set";
            }
            spot.set(value.deepCopy());
            return String.join(".", spot.path()) + " = " + what;
        }
    }

    /** The value of a field of the same name in another example: a realistic value that may break a rule across fields. */
    private record SameNameValue(double at, double which) implements Edit {
        @Override
        public String apply(JsonNode document) {
            Spot spot = spotAt(document, at);
            if (spot == null) {
                return "nothing to replace";
            }
            List<JsonNode> candidates = BY_NAME.getOrDefault(spot.field(), List.of());
            if (candidates.isEmpty()) {
                return "no other value for " + spot.field();
            }
            spot.set(pick(candidates, which).deepCopy());
            return String.join(".", spot.path()) + " = another example's " + spot.field();
        }
    }

    private record AddUnknownField(double at) implements Edit {
        @Override
        public String apply(JsonNode document) {
            List<JsonNode> objects = new ArrayList<>();
            objects.add(document);
            spots(document).stream().map(Spot::value).filter(JsonNode::isObject).forEach(objects::add);
            JsonNode target = pick(objects, at);
            ((ObjectNode) target).put("addedByANewerProducer", 7);
            return "unknown field added";
        }
    }

    /** Empties an array (0), drops its last element (1) or repeats its first (2). */
    private record ResizeArray(double at, int how) implements Edit {
        @Override
        public String apply(JsonNode document) {
            List<Spot> arrays = spots(document).stream().filter(s -> s.value().isArray()).toList();
            if (arrays.isEmpty()) {
                return "no array";
            }
            Spot spot = pick(arrays, at);
            ArrayNode array = (ArrayNode) spot.value();
            String where = String.join(".", spot.path());
            switch (how) {
                case 0 -> array.removeAll();
                case 1 -> {
                    if (!array.isEmpty()) {
                        array.remove(array.size() - 1);
                    }
                }
                default -> {
                    if (!array.isEmpty()) {
                        array.add(array.get(0).deepCopy());
                    }
                }
            }
            return where + (how == 0 ? " emptied" : how == 1 ? " shortened" : " first element repeated");
        }
    }

    private static List<JsonNode> namedValues() {
        Set<JsonNode> values = new LinkedHashSet<>();
        List<JsonNode> schemas = new ArrayList<>();
        schemas.add(Contract.commonSchema());
        for (EventType type : EventType.values()) {
            schemas.add(Contract.schema(type));
        }
        for (JsonNode schema : schemas) {
            collectNamed(schema, values);
        }
        return List.copyOf(values);
    }

    private static void collectNamed(JsonNode node, Set<JsonNode> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                switch (field.getKey()) {
                    case "enum" -> field.getValue().forEach(into::add);
                    case "const", "default" -> into.add(field.getValue());
                    default -> collectNamed(field.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectNamed(element, into));
        }
    }

    private static Map<String, List<JsonNode>> valuesByFieldName() {
        return VALID.stream().flatMap(name -> spots(Contract.tree(Contract.example(name))).stream()).collect(Collectors.groupingBy(Spot::field,
                Collectors.collectingAndThen(Collectors.mapping(Spot::value, Collectors.toCollection(LinkedHashSet::new)),
                        List::copyOf)));
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return EventJson.mapper().writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
