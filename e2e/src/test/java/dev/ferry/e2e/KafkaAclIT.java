package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.events.Topics;
import dev.ferry.localcloud.kafka.KafkaBroker;
import dev.ferry.localcloud.kafka.KafkaLogin;
import dev.ferry.localcloud.kafka.KafkaUserOperator;
import dev.ferry.localcloud.kafka.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker refuses what deploy/kafka's KafkaUsers do not grant: a real broker with the standard authorizer, the
 * users and ACLs made from those manifests as Strimzi's User Operator makes them, and every client's reads and writes
 * of every Ferry topic tried against what common-events' AsyncAPI document says that client does.
 */
class KafkaAclIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static KafkaBroker broker;
    private static final Map<String, KafkaLogin> logins = new HashMap<>();

    @BeforeAll
    static void startBrokerWithTheDeployedUsers() throws Exception {
        broker = KafkaBroker.start();
        try (TopicProbe admin = new TopicProbe(broker.adminClientSettings())) {
            admin.createTopics(List.copyOf(AsyncApiOperations.allTopics()));
        }
        KafkaUserOperator operator = new KafkaUserOperator(broker.adminClientSettings());
        try (var manifests = Files.list(Layout.find().root().resolve("deploy/kafka"))) {
            for (Path manifest : manifests.filter(p -> p.getFileName().toString().contains("kafkauser")).sorted().toList()) {
                KafkaUserOperator.kafkaUsers(manifest).forEach(user -> logins.put(user.path("metadata").path("name").asText(),
                        operator.apply(user)));
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot-service", "export-service", "import-service", "restore-service", "external-systems"})
    void aClientWritesExactlyTheTopicsItSends(String client) {
        Set<String> writable = new TreeSet<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(login(client))) {
            for (String topic : AsyncApiOperations.allTopics()) {
                if (sends(producer, topic)) {
                    writable.add(topic);
                }
            }
        }
        assertThat(writable).as("topics %s may write", client).isEqualTo(AsyncApiOperations.topics(client, "send"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapshot-service", "export-service", "import-service", "restore-service", "external-systems"})
    void aClientReadsExactlyTheTopicsItReceives(String client) {
        Set<String> readable = new TreeSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(login(client), null)) {
            for (String topic : AsyncApiOperations.allTopics()) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
                try {
                    consumer.poll(Duration.ofMillis(500));
                    readable.add(topic);
                } catch (TopicAuthorizationException refused) {
                    assertThat(refused.unauthorizedTopics()).contains(topic);
                }
            }
        }
        assertThat(readable).as("topics %s may read", client).isEqualTo(AsyncApiOperations.topics(client, "receive"));
    }

    @Test
    void anotherSystemCannotForgeASnapshotTaken() {
        try (KafkaProducer<byte[], byte[]> producer = producer(login("external-systems"))) {
            ProducerRecord<byte[], byte[]> forged = new ProducerRecord<>(Topics.SNAPSHOT_TAKEN, bytes("shop"), bytes("{\"schemaVersion\":1}"));
            forged.headers().add("ce_type", bytes("ferry.snapshot.taken.v1"));
            assertThatThrownBy(() -> producer.send(forged).get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        // ... while it may ask for a backup, which snapshot-service checks and takes itself.
        try (KafkaProducer<byte[], byte[]> producer = producer(login("external-systems"))) {
            assertThat(sends(producer, Topics.BACKUP_REQUESTED)).isTrue();
        }
    }

    @Test
    void aServiceCannotJoinAnotherServicesConsumerGroup() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(login("import-service"), "ferry-restore-service")) {
            consumer.subscribe(List.of(Topics.SNAPSHOT_RECREATED));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5))).isInstanceOf(GroupAuthorizationException.class);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(login("external-systems"), "ferry-export-service")) {
            consumer.subscribe(List.of(Topics.SNAPSHOT_TAKEN));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5))).isInstanceOfAny(GroupAuthorizationException.class,
                    TopicAuthorizationException.class);
        }
    }

    @Test
    void aClientWithoutALoginGetsNothing() {
        Properties plain = new Properties();
        plain.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        plain.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(plain, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.BACKUP_REQUESTED, bytes("k"), bytes("v")))
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isNotNull();
        }
        try (TopicProbe admin = new TopicProbe(broker.adminClientSettings())) {
            assertThat(admin.read(Topics.BACKUP_REQUESTED, r -> "k".equals(r.key()) && r.text().equals("v"), 1, Duration.ofSeconds(2)))
                    .isEmpty();
        }
    }

    private static KafkaLogin login(String client) {
        KafkaLogin login = logins.get("ferry-" + client);
        assertThat(login).as("KafkaUser ferry-%s in deploy/kafka", client).isNotNull();
        return login;
    }

    /** Whether the broker takes a record on {@code topic}; false when it refuses it for want of an ACL. */
    private static boolean sends(KafkaProducer<byte[], byte[]> producer, String topic) {
        try {
            producer.send(new ProducerRecord<>(topic, bytes("acl-probe"), bytes("{}"))).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            assertThat(e.getCause()).as("why %s was refused", topic).isInstanceOf(TopicAuthorizationException.class);
            return false;
        } catch (Exception e) {
            throw new IllegalStateException("sending to " + topic + ": " + e, e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaLogin login) {
        Properties props = settings(login);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaLogin login, String group) {
        Properties props = settings(login);
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Properties settings(KafkaLogin login) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.putAll(login.clientSettings());
        return props;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
