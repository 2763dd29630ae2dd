package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every topic a service uses is declared on Strimzi, with the durability Ferry needs, and exporters scale within its partitions. */
class KafkaTopicsTest {

    /** The topics of DESIGN.md section 3 and the dead-letter topic of each consumed one, restore-service's included. */
    private static final Set<String> FERRY_TOPICS = Set.of(
            "ferry.backup.requested", "ferry.snapshot.taken", "ferry.vhd.exported", "ferry.snapshot.recreated",
            "ferry.transfer.progressed", "ferry.restore.requested", "ferry.restore.completed", "ferry.step.failed",
            "ferry.drill.completed",
            "ferry.backup.requested.dlq", "ferry.snapshot.taken.dlq", "ferry.vhd.exported.dlq",
            "ferry.snapshot.recreated.dlq", "ferry.restore.requested.dlq");

    @Test
    void everyTopicInAServicesConfigurationIsAKafkaTopic() {
        Map<String, Properties> services = serviceProperties();
        assertThat(services).as("services' application.properties under %s", Targets.repoDir())
                .containsKeys("snapshot-service", "export-service", "import-service");
        Set<String> used = new TreeSet<>();
        services.values().forEach(properties -> used.addAll(topicsIn(properties)));

        assertThat(topics().keySet()).containsAll(used).containsAll(FERRY_TOPICS);
    }

    @Test
    void everyTopicIsReplicatedThreeTimesWithTwoInSyncAndARetention() {
        String cluster = Targets.objects(Targets.KAFKA, GenericKubernetesResource.class).stream()
                .filter(o -> o.getKind().equals("Kafka")).findFirst().orElseThrow().getMetadata().getName();

        topics().forEach((name, topic) -> {
            assertThat(topic.getMetadata().getLabels()).as("%s strimzi.io/cluster", name).containsEntry("strimzi.io/cluster", cluster);
            assertThat(topic.<Integer>get("spec", "replicas")).as("%s replicas", name).isEqualTo(3);
            assertThat(topic.<Integer>get("spec", "partitions")).as("%s partitions", name).isPositive();
            Map<String, Object> config = topic.get("spec", "config");
            assertThat(config).as("%s config", name).containsEntry("min.insync.replicas", "2").containsKey("retention.ms");
            long retentionDays = Long.parseLong(config.get("retention.ms").toString()) / 86_400_000L;
            assertThat(retentionDays).as("%s retention in days", name)
                    .isEqualTo(name.endsWith(".dlq") ? 14 : name.equals("ferry.transfer.progressed") ? 1 : 7);
        });
    }

    @Test
    void theKafkaClusterRunsInKraftModeWithNodePoolsAndNoAutoCreatedTopics() {
        List<GenericKubernetesResource> objects = Targets.objects(Targets.KAFKA, GenericKubernetesResource.class);
        GenericKubernetesResource kafka = objects.stream().filter(o -> o.getKind().equals("Kafka")).findFirst().orElseThrow();
        List<GenericKubernetesResource> pools = objects.stream().filter(o -> o.getKind().equals("KafkaNodePool")).toList();

        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/node-pools", "enabled");
        assertThat(kafka.<Object>get("spec", "zookeeper")).isNull();
        assertThat(kafka.<Boolean>get("spec", "kafka", "config", "auto.create.topics.enable")).isFalse();
        assertThat(pools).flatExtracting(p -> p.<List<String>>get("spec", "roles")).contains("controller", "broker");
        assertThat(pools).allSatisfy(p -> assertThat(p.getMetadata().getLabels())
                .containsEntry("strimzi.io/cluster", kafka.getMetadata().getName()));
    }

    @Test
    void kedaScalesExportServiceOnItsConsumerGroupsLagWithinThePartitions() {
        Properties export = serviceProperties().get("export-service");
        String channel = export.stringPropertyNames().stream()
                .filter(key -> key.startsWith("mp.messaging.incoming.") && key.endsWith(".topic"))
                .filter(key -> export.getProperty(key).equals("ferry.snapshot.taken"))
                .findFirst().orElseThrow().replaceFirst("\\.topic$", "");
        String group = export.getProperty(channel + ".group.id");
        GenericKubernetesResource scaled = Targets.objects(Targets.SOURCE_CLUSTER, GenericKubernetesResource.class).stream()
                .filter(o -> o.getKind().equals("ScaledObject")).findFirst().orElseThrow();
        Map<String, Object> trigger = scaled.<List<Map<String, Object>>>get("spec", "triggers").get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) trigger.get("metadata");
        String bootstrap = Targets.objects(Targets.SOURCE_CLUSTER).stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.ConfigMap && o.getMetadata().getName().startsWith("ferry-settings"))
                .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get("KAFKA_BOOTSTRAP_SERVERS"))
                .findFirst().orElseThrow();

        assertThat(scaled.<String>get("spec", "scaleTargetRef", "name")).isEqualTo("export-service");
        assertThat(trigger).containsEntry("type", "kafka");
        assertThat(metadata).containsEntry("topic", "ferry.snapshot.taken").containsEntry("consumerGroup", group)
                .containsEntry("bootstrapServers", bootstrap);
        assertThat(scaled.<Integer>get("spec", "maxReplicaCount")).isPositive()
                .isLessThanOrEqualTo(partitions("ferry.snapshot.taken"));
        assertThat(Targets.objects(Targets.SOURCE_CLUSTER, HorizontalPodAutoscaler.class)).as("HPA beside KEDA").isEmpty();
    }

    @Test
    void theHpaAlternativeReplacesKedaAndStaysWithinThePartitions() {
        List<HorizontalPodAutoscaler> hpas = Targets.objects(Targets.SOURCE_CLUSTER_HPA, HorizontalPodAutoscaler.class);

        assertThat(hpas).singleElement().satisfies(hpa -> {
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("export-service");
            assertThat(hpa.getSpec().getMaxReplicas()).isLessThanOrEqualTo(partitions("ferry.snapshot.taken"));
            assertThat(hpa.getSpec().getMetrics()).extracting(m -> m.getResource().getName()).containsExactly("cpu");
        });
        assertThat(Targets.objects(Targets.SOURCE_CLUSTER_HPA, GenericKubernetesResource.class))
                .noneMatch(o -> o.getKind().equals("ScaledObject"));
        assertThat(Targets.find(Targets.SOURCE_CLUSTER_HPA, Deployment.class, "export-service").orElseThrow().getSpec().getReplicas())
                .as("export-service replicas, owned by the autoscaler").isNull();
    }

    private static int partitions(String topic) {
        return topics().get(topic).<Integer>get("spec", "partitions");
    }

    /** KafkaTopics of deploy/kafka by topic name. */
    private static Map<String, GenericKubernetesResource> topics() {
        return Targets.objects(Targets.KAFKA, GenericKubernetesResource.class).stream()
                .filter(o -> o.getKind().equals("KafkaTopic"))
                .collect(Collectors.toMap(t -> {
                    String name = t.get("spec", "topicName");
                    return name != null ? name : t.getMetadata().getName();
                }, t -> t, (a, b) -> {
                    throw new AssertionError("topic declared twice: " + a.getMetadata().getName());
                }, TreeMap::new));
    }

    /** Every module's src/main/resources/application.properties, by module name. */
    static Map<String, Properties> serviceProperties() {
        try (Stream<Path> modules = Files.list(Targets.repoDir())) {
            Map<String, Properties> byModule = new TreeMap<>();
            for (Path file : modules.map(m -> m.resolve("src/main/resources/application.properties")).filter(Files::isRegularFile).toList()) {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
                byModule.put(file.getParent().getParent().getParent().getParent().getFileName().toString(), properties);
            }
            return byModule;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Topics of the production profile: {@code *.topic} and {@code *.dead-letter-queue.topic} values, test and dev profiles left out. */
    private static Set<String> topicsIn(Properties properties) {
        return properties.stringPropertyNames().stream()
                .filter(key -> key.endsWith(".topic") && !key.startsWith("%test.") && !key.startsWith("%dev."))
                .map(properties::getProperty)
                .map(String::trim)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
