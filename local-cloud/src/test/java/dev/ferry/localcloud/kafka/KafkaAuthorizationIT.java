package dev.ferry.localcloud.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker refuses whoever has no login, a wrong one, or no ACL; a KafkaUser's ACLs allow exactly what they name. */
class KafkaAuthorizationIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String ALLOWED = "ferry.it.allowed";
    private static final String OTHER = "ferry.it.other";

    private static KafkaBroker broker;
    private static KafkaLogin writer;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start();
        try (Admin admin = Admin.create(broker.adminClientSettings())) {
            admin.createTopics(List.of(new NewTopic(ALLOWED, 1, (short) 1), new NewTopic(OTHER, 1, (short) 1)))
                    .all().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        writer = new KafkaUserOperator(broker.adminClientSettings()).apply(user("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaUser
                metadata:
                  name: it-writer
                spec:
                  authentication:
                    type: scram-sha-512
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: ferry.it.allowed, patternType: literal}
                        operations: [Write, Read, Describe]
                      - resource: {type: group, name: it-writer-, patternType: prefix}
                        operations: [Read]
                """));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aClientWithoutALoginIsRefused() {
        Properties plain = new Properties();
        plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(plain)) {
            // A PLAINTEXT client's requests are not SASL handshakes: the broker drops the connection, nothing is answered.
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        KafkaLogin wrong = KafkaLogin.generate(writer.username());
        assertThatThrownBy(() -> send(wrong, ALLOWED)).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        KafkaLogin unknown = KafkaLogin.generate("nobody");
        assertThatThrownBy(() -> send(unknown, ALLOWED)).hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void aUserWritesAndReadsOnlyWhatItsAclsName() throws Exception {
        send(writer, ALLOWED);
        assertThatThrownBy(() -> send(writer, OTHER)).hasRootCauseInstanceOf(TopicAuthorizationException.class);

        assertThat(poll(writer, ALLOWED, "it-writer-group")).isPositive();
        assertThatThrownBy(() -> poll(writer, ALLOWED, "someone-elses-group")).isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void aUserWithoutAclsMayDoNothing() {
        KafkaLogin nothing = new KafkaUserOperator(broker.adminClientSettings()).apply(user("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaUser
                metadata:
                  name: it-nothing
                spec:
                  authentication:
                    type: scram-sha-512
                """));
        assertThatThrownBy(() -> send(nothing, ALLOWED)).hasRootCauseInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void whatTheStandInDoesNotModelIsRefusedNotIgnored() {
        KafkaUserOperator operator = new KafkaUserOperator(broker.adminClientSettings());
        assertThatThrownBy(() -> operator.apply(user("""
                kind: KafkaUser
                metadata: {name: it-tls}
                spec:
                  authentication: {type: tls}
                """))).hasMessageContaining("only scram-sha-512");
        assertThatThrownBy(() -> operator.apply(user("""
                kind: KafkaUser
                metadata: {name: it-odd}
                spec:
                  authentication: {type: scram-sha-512}
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: x}
                        operations: [Fly]
                """))).hasMessageContaining("unknown ACL operation 'Fly'");
    }

    @Test
    void aLoginNeverShowsItsPassword() {
        assertThat(writer.toString()).doesNotContain(writer.password()).contains("it-writer");
    }

    private static void send(KafkaLogin login, String topic) throws Exception {
        Properties props = settings(login);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static int poll(KafkaLogin login, String topic, String group) {
        Properties props = settings(login);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + DEADLINE.toNanos();
            int count = 0;
            while (count == 0 && System.nanoTime() < end) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }

    private static Properties settings(KafkaLogin login) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.putAll(login.clientSettings());
        return props;
    }

    private static JsonNode user(String yaml) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
