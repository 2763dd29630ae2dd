package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kafka lets each client do exactly what common-events' AsyncAPI document says it does: the brokers authenticate
 * every client and authorize with ACLs, each service logs in as its own KafkaUser, and each KafkaUser's ACLs are its
 * document's operations (receive: Read; send: Write) on those topics and nothing else.
 */
class KafkaUsersTest {

    private static final Set<String> SERVICES = Set.of("snapshot-service", "export-service", "import-service", "restore-service");

    @Test
    void theBrokersAuthenticateEveryListenerAndAuthorizeWithAcls() {
        GenericKubernetesResource kafka = Targets.objects(Targets.KAFKA, GenericKubernetesResource.class).stream()
                .filter(o -> o.getKind().equals("Kafka")).findFirst().orElseThrow();
        assertThat(kafka.<String>get("spec", "kafka", "authorization", "type")).isEqualTo("simple");
        List<Map<String, Object>> listeners = kafka.get("spec", "kafka", "listeners");
        assertThat(listeners).isNotEmpty().allSatisfy(listener -> {
            assertThat(listener.get("tls")).as("%s tls", listener.get("name")).isEqualTo(true);
            assertThat(listener.get("authentication")).as("%s authentication", listener.get("name"))
                    .isEqualTo(Map.of("type", "scram-sha-512"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot-service", "export-service", "import-service", "restore-service", "external-systems"})
    void aUsersTopicAclsAreItsOperationsInTheAsyncApiDocument(String client) {
        GenericKubernetesResource user = user("ferry-" + client);
        assertThat(user.<String>get("spec", "authentication", "type")).isEqualTo("scram-sha-512");
        assertThat(user.<String>get("spec", "authorization", "type")).isEqualTo("simple");

        Set<String> granted = new TreeSet<>();
        acls(user).stream().filter(acl -> resource(acl).get("type").equals("topic")).forEach(acl -> {
            assertThat(resource(acl).get("patternType")).as("%s: topics by their whole name", client).isEqualTo("literal");
            assertThat(acl.get("type")).as("%s: allow rules only", client).isIn(null, "allow");
            assertThat(acl.get("host")).as("%s: from any host", client).isIn(null, "*");
            operations(acl).forEach(op -> granted.add(resource(acl).get("name") + " " + op));
        });

        Set<String> expected = new TreeSet<>();
        operations(client).forEach((topic, actions) -> {
            expected.add(topic + " Describe");
            actions.forEach(action -> expected.add(topic + (action.equals("receive") ? " Read" : " Write")));
        });
        assertThat(granted).as("%s's topic ACLs", client).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot-service", "export-service", "import-service", "restore-service"})
    void aServiceReadsOnlyItsOwnConsumerGroupsAndLogsInAsItself(String service) {
        List<Map<String, Object>> groups = acls(user("ferry-" + service)).stream()
                .filter(acl -> !resource(acl).get("type").equals("topic")).toList();
        assertThat(groups).as("%s: one rule beyond topics, for its groups", service).hasSize(1);
        Map<String, Object> group = resource(groups.get(0));
        assertThat(group).containsEntry("type", "group").containsEntry("name", "ferry-" + service).containsEntry("patternType", "prefix");
        assertThat(operations(groups.get(0))).containsExactly("Read");
        assertThat(groupIds(service)).isNotEmpty().allSatisfy(id -> assertThat(id).startsWith("ferry-" + service));
        SERVICES.stream().filter(other -> !other.equals(service))
                .forEach(other -> assertThat(groupIds(other)).noneMatch(id -> id.startsWith("ferry-" + service)));

        String target = Set.of("snapshot-service", "export-service").contains(service) ? Targets.SOURCE_CLUSTER : Targets.DR_CLUSTER;
        Deployment deployment = Targets.find(target, Deployment.class, service).orElseThrow();
        Map<String, EnvVar> env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertThat(env.get("KAFKA_SASL_JAAS_CONFIG").getValueFrom().getSecretKeyRef().getName()).isEqualTo("ferry-kafka-" + service);
        assertThat(env).containsKeys("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SSL_TRUSTSTORE_CERTIFICATES");
    }

    @Test
    void otherSystemsAndTheScalerHaveNoGroupOfAService() {
        List<Map<String, Object>> external = acls(user("ferry-external-systems")).stream()
                .filter(acl -> resource(acl).get("type").equals("group")).toList();
        assertThat(external).hasSize(1);
        assertThat(resource(external.get(0))).containsEntry("name", "ferry-external-").containsEntry("patternType", "prefix");

        List<Map<String, Object>> scaler = acls(user("ferry-keda-export-scaler"));
        assertThat(scaler).allSatisfy(acl -> assertThat(operations(acl)).containsExactly("Describe"));
    }

    private static GenericKubernetesResource user(String name) {
        return Targets.objects(Targets.KAFKA, GenericKubernetesResource.class).stream()
                .filter(o -> o.getKind().equals("KafkaUser") && o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no KafkaUser " + name + " in deploy/kafka"));
    }

    private static List<Map<String, Object>> acls(GenericKubernetesResource user) {
        return user.get("spec", "authorization", "acls");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resource(Map<String, Object> acl) {
        return (Map<String, Object>) acl.get("resource");
    }

    @SuppressWarnings("unchecked")
    private static List<String> operations(Map<String, Object> acl) {
        return (List<String>) acl.get("operations");
    }

    /** topic -> the actions (send, receive) the document's operations of {@code client} take on it. */
    private static Map<String, Set<String>> operations(String client) {
        JsonNode document;
        try {
            document = new ObjectMapper(new YAMLFactory()).readTree(Targets.repoDir()
                    .resolve("common-events/src/main/resources/asyncapi/ferry.asyncapi.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Set<String>> topics = new java.util.TreeMap<>();
        document.path("operations").forEach(operation -> {
            if (client.equals(operation.path("x-ferry-service").asText())) {
                String topic = document.at(operation.path("channel").path("$ref").asText().substring(1)).path("address").asText();
                topics.computeIfAbsent(topic, t -> new TreeSet<>()).add(operation.path("action").asText());
            }
        });
        assertThat(topics).as("%s's operations in the AsyncAPI document", client).isNotEmpty();
        return topics;
    }

    private static Set<String> groupIds(String service) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Targets.repoDir().resolve(service).resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.stringPropertyNames().stream().filter(key -> key.endsWith(".group.id"))
                .map(key -> properties.getProperty(key).trim()).collect(Collectors.toSet());
    }
}
