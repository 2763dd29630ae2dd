package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The DrillSchedule CRD (deploy/crds) refuses at the API server what restore-service would refuse to run: its structural
 * schema, applied here as an API server applies it (types, required fields, patterns, lengths and its two CEL duration rules,
 * whose meaning is spelt out below), and deploy/examples' schedule passes it.
 */
class DrillScheduleCrdTest {

    private static final String CRD = "drillschedules.ferry.dev";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The CEL rules the schema may carry, with what each means; an API server evaluates them, this test by these. */
    private static final Map<String, java.util.function.Predicate<Duration>> DURATION_RULES = Map.of(
            "duration(self) >= duration('10m')", d -> d.compareTo(Duration.ofMinutes(10)) >= 0,
            "duration(self) > duration('0s')", d -> !d.isZero());
    private static final Pattern GO_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    @Test
    void theKindIsClusterScopedV1alpha1WithoutStatusAndPrintsWhatItDrills() {
        CustomResourceDefinition crd = crd();
        assertThat(crd.getSpec().getGroup()).isEqualTo("ferry.dev");
        assertThat(crd.getSpec().getScope()).as("only cluster-wide rights may make one").isEqualTo("Cluster");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("DrillSchedule");
        assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("drillschedules");
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
        assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("v1alpha1");
            assertThat(v.getServed()).isTrue();
            assertThat(v.getStorage()).isTrue();
            // restore-service lists the schedules and writes nothing back.
            assertThat(v.getSubresources()).isNull();
        });
        assertThat(version.getAdditionalPrinterColumns()).extracting(c -> c.getJsonPath())
                .contains(".spec.sourceCluster", ".spec.namespace", ".spec.every", ".spec.suspend");
        assertThat(version.getSchema().getOpenAPIV3Schema().getProperties().get("spec").getRequired())
                .containsExactlyInAnyOrder("sourceCluster", "namespace", "every");
    }

    @Test
    void theSchemaIsStructuralAndItsCelRulesAreBoundedDurationRules() {
        List<String> problems = new ArrayList<>();
        structural(crd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema(), "", problems);
        assertThat(problems).isEmpty();
    }

    @Test
    void theExampleScheduleIsValid() throws Exception {
        JsonNode example = YAML.readTree(Targets.deployDir().resolve("examples/drillschedule-shop.yaml").toFile());

        assertThat(example.path("apiVersion").asText()).isEqualTo("ferry.dev/v1alpha1");
        assertThat(example.path("kind").asText()).isEqualTo("DrillSchedule");
        assertThat(validate(example)).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "every        | 5m                  | every must be at least 10m",
            "every        | 1d                  | should match",
            "every        | 10 m                | should match",
            "every        | 0h                  | must be at least 10m",
            "namespace    | Shop                | should match",
            "namespace    | a-namespace-name-longer-than-sixty-three-characters-is-no-label-x | may not be longer than 63",
            "sourceCluster| -aks                | should match",
            "suspend      | yes                 | must be of type boolean",
            "check.image  | 'my image'          | should match",
            "check.timeout| 0s                  | timeout must be longer than 0s",
            "check.command| sh                  | must be of type array"})
    void aScheduleRestoreServiceWouldRefuseIsRefusedByTheApiServer(String field, String value, String problem) throws Exception {
        ObjectNode schedule = (ObjectNode) YAML.readTree(Targets.deployDir().resolve("examples/drillschedule-shop.yaml").toFile());
        ObjectNode parent = (ObjectNode) schedule.path("spec");
        String[] path = field.split("\\.");
        for (int i = 0; i < path.length - 1; i++) {
            parent = (ObjectNode) parent.path(path[i]);
        }
        // A string in every case: where the schema wants a boolean or a list, that is the problem.
        parent.put(path[path.length - 1], value);

        assertThat(validate(schedule)).anySatisfy(p -> assertThat(p).startsWith("spec." + field).contains(problem));
    }

    @ParameterizedTest(name = "without {0}")
    @CsvSource({"sourceCluster", "namespace", "every", "check.image"})
    void aScheduleWithoutARequiredFieldIsRefused(String field) throws Exception {
        ObjectNode schedule = (ObjectNode) YAML.readTree(Targets.deployDir().resolve("examples/drillschedule-shop.yaml").toFile());
        ObjectNode parent = (ObjectNode) schedule.path("spec");
        if (field.startsWith("check.")) {
            parent = (ObjectNode) parent.path("check");
        }
        parent.remove(field.replaceFirst("^check\\.", ""));

        assertThat(validate(schedule)).anySatisfy(p -> assertThat(p).contains(field.replaceFirst("^check\\.", "") + ": Required value"));
    }

    private static CustomResourceDefinition crd() {
        return Targets.find(Targets.DR_CLUSTER, CustomResourceDefinition.class, CRD).orElseThrow(() ->
                new AssertionError("the DR overlay installs no " + CRD));
    }

    /** What an API server says of the object against the CRD's schema, as {@code <path>: <problem>}; empty when valid. */
    private static List<String> validate(JsonNode object) {
        List<String> problems = new ArrayList<>();
        JSONSchemaProps schema = crd().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
        validate(object, schema, "", problems);
        return problems;
    }

    private static void validate(JsonNode value, JSONSchemaProps schema, String path, List<String> problems) {
        String at = path.isEmpty() ? "<root>" : path;
        switch (schema.getType()) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(at + ": must be of type object");
                    return;
                }
                for (String required : schema.getRequired() == null ? List.<String>of() : schema.getRequired()) {
                    if (!value.has(required)) {
                        problems.add(join(path, required) + ": Required value");
                    }
                }
                if (schema.getProperties() == null) {
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    JSONSchemaProps property = schema.getProperties().get(field.getKey());
                    if (property != null) {
                        validate(field.getValue(), property, join(path, field.getKey()), problems);
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(at + ": must be of type array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.getItems().getSchema(), at + "[" + i + "]", problems);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(at + ": must be of type boolean");
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(at + ": must be of type string");
                    return;
                }
                String text = value.asText();
                if (schema.getMaxLength() != null && text.length() > schema.getMaxLength()) {
                    problems.add(at + ": may not be longer than " + schema.getMaxLength());
                }
                if (schema.getMinLength() != null && text.length() < schema.getMinLength()) {
                    problems.add(at + ": should be at least " + schema.getMinLength() + " chars long");
                }
                if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(text).find()) {
                    problems.add(at + ": should match '" + schema.getPattern() + "'");
                    return;
                }
                for (ValidationRule rule : rules(schema)) {
                    Duration duration = goDuration(text);
                    if (duration == null || !DURATION_RULES.get(rule.getRule()).test(duration)) {
                        problems.add(at + ": " + rule.getMessage());
                    }
                }
            }
            default -> problems.add(at + ": the schema's type " + schema.getType() + " is not one this test knows");
        }
    }

    /** Every node has a type, and every CEL rule is one of the known duration rules on a string of bounded length. */
    private static void structural(JSONSchemaProps schema, String path, List<String> problems) {
        if (schema.getType() == null) {
            problems.add(path + ": no type");
        }
        if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields()) && !path.endsWith("metadata")) {
            problems.add(path + ": keeps unknown fields");
        }
        for (ValidationRule rule : rules(schema)) {
            if (!DURATION_RULES.containsKey(rule.getRule())) {
                problems.add(path + ": a CEL rule this test does not know: " + rule.getRule());
            }
            if (!"string".equals(schema.getType()) || schema.getMaxLength() == null) {
                problems.add(path + ": a duration rule on an unbounded value (the API server estimates its cost from maxLength)");
            }
        }
        if (schema.getProperties() != null) {
            schema.getProperties().forEach((name, property) -> structural(property, join(path, name), problems));
        }
        if (schema.getItems() != null) {
            structural(schema.getItems().getSchema(), path + "[]", problems);
        }
    }

    private static List<ValidationRule> rules(JSONSchemaProps schema) {
        return schema.getXKubernetesValidations() == null ? List.of() : schema.getXKubernetesValidations();
    }

    /** A duration as CEL's {@code duration()} reads the forms the schema's pattern lets through; null when it is none. */
    private static Duration goDuration(String text) {
        Matcher m = GO_DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return null;
        }
        return Duration.ofHours(m.group(1) == null ? 0 : Long.parseLong(m.group(1)))
                .plusMinutes(m.group(2) == null ? 0 : Long.parseLong(m.group(2)))
                .plusSeconds(m.group(3) == null ? 0 : Long.parseLong(m.group(3)));
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
