package dev.ferry.localcloud.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ferry.localcloud.LoopbackPorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int RECORDS = 300;
    private static final int KEYS = 7;

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void recordsRoundTripWithKeysHeadersAndPerKeyOrder() throws Exception {
        String topic = "ferry.it.round-trip";
        try (Admin admin = Admin.create(broker.adminClientSettings())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        Map<String, List<Integer>> sentPerKey = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int seq = 0; seq < RECORDS; seq++) {
                String key = "key-" + (seq % KEYS);
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, "value-" + seq);
                record.headers()
                        .add("seq", Integer.toString(seq).getBytes(StandardCharsets.UTF_8))
                        .add("source", "KafkaBrokerIT".getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(record));
                sentPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(seq);
            }
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).offset()).isNotNegative();
            }
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig("ferry-it-round-trip"))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (received.size() < RECORDS && System.nanoTime() - deadline < 0) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            consumer.commitSync(DEADLINE);
        }

        assertThat(received).hasSize(RECORDS);
        Map<String, List<Integer>> receivedPerKey = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : received) {
            int seq = Integer.parseInt(header(record, "seq"));
            assertThat(record.key()).isEqualTo("key-" + (seq % KEYS));
            assertThat(record.value()).isEqualTo("value-" + seq);
            assertThat(header(record, "source")).isEqualTo("KafkaBrokerIT");
            receivedPerKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(seq);
        }
        assertThat(receivedPerKey).isEqualTo(sentPerKey);
        assertThat(received.stream().map(ConsumerRecord::partition).distinct().count())
                .as("records spread over the topic's partitions")
                .isGreaterThan(1);
    }

    @Test
    void topicsAreCreatedAutomaticallyWithTheConfiguredPartitions() throws Exception {
        String topic = "ferry.it.auto-created";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        try (Admin admin = Admin.create(broker.adminClientSettings())) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS).get(topic).partitions().size();
            assertThat(partitions).isEqualTo(KafkaBroker.DEFAULT_PARTITIONS);
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        try (Admin admin = Admin.create(broker.adminClientSettings())) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(nodes).extracting(Node::host).containsOnly("127.0.0.1");
        }

        // Read the kernel's socket table instead of probing other addresses: no traffic leaves loopback.
        for (int port : List.of(broker.port(), broker.controllerPort())) {
            assertThat(LoopbackPorts.accepts(port)).as("loopback port %d", port).isTrue();
            assertThat(listeningAddresses(port)).as("addresses listening on port %d", port).containsExactly("127.0.0.1");
        }
    }

    @Test
    void testResourceHandsOutTheBootstrapServersAndALoginAndStopsTheBroker() throws Exception {
        KafkaTestResource resource = new KafkaTestResource();
        Map<String, String> config = resource.start();
        try {
            assertThat(config).containsOnlyKeys("kafka.bootstrap.servers", "kafka.security.protocol", "kafka.sasl.mechanism",
                    "kafka.sasl.jaas.config");
            assertThat(config.get("kafka.bootstrap.servers")).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(config.get("kafka.sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            Properties client = new Properties();
            client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get("kafka.bootstrap.servers"));
            config.forEach((key, value) -> client.put(key.substring("kafka.".length()), value));
            try (Admin admin = Admin.create(client)) {
                assertThat(admin.describeCluster().nodes().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).hasSize(1);
            }
        } finally {
            resource.stop();
        }
        int port = Integer.parseInt(config.get("kafka.bootstrap.servers").split(":")[1]);
        assertThat(LoopbackPorts.accepts(port)).as("port %d after stop", port).isFalse();
    }

    @Test
    void closeRemovesTheLogDirectory() {
        KafkaBroker own = KafkaBroker.start();
        Path logDir = own.logDir();
        assertThat(logDir).isDirectory();
        own.close();
        assertThat(logDir).doesNotExist();
    }

    @Test
    void mainPrintsItsAddressAndStopsOnSigterm() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        KafkaLogin admin = KafkaLogin.generate(KafkaBroker.ADMIN_USER);
        Path passwordFile = Files.createTempFile("kafka-admin-", ".password");
        Files.writeString(passwordFile, admin.password());
        Process process = new ProcessBuilder(java.toString(), "-cp", classPath, KafkaBrokerMain.class.getName(),
                "--admin-password-file", passwordFile.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            String line = firstLine.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(line).matches("KAFKA_BOOTSTRAP_SERVERS=127\\.0\\.0\\.1:\\d+");
            String bootstrap = line.substring(KafkaBrokerMain.BOOTSTRAP_LINE_PREFIX.length());
            Properties client = new Properties();
            client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            client.putAll(admin.clientSettings());
            try (Admin asAdmin = Admin.create(client)) {
                assertThat(asAdmin.describeCluster().nodes().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).hasSize(1);
            }

            process.destroy();
            assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            int port = Integer.parseInt(bootstrap.split(":")[1]);
            assertThat(LoopbackPorts.accepts(port)).isFalse();
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(passwordFile);
        }
    }

    private static Properties producerConfig() {
        Properties props = broker.adminClientSettings();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    private static Properties consumerConfig(String groupId) {
        Properties props = broker.adminClientSettings();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The local addresses of sockets listening on {@code port}, from Linux's /proc/net/tcp and tcp6. */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> addresses = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table)).stream().skip(1).toList()) {
                String[] columns = line.trim().split("\\s+");
                String[] local = columns[1].split(":");
                boolean listening = "0A".equals(columns[3]);
                if (listening && Integer.parseInt(local[1], 16) == port) {
                    addresses.add(decode(local[0]));
                }
            }
        }
        return addresses;
    }

    /** A /proc/net address: IPv4 as one little-endian word, IPv6 as four. */
    private static String decode(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes).getHostAddress();
    }

}
