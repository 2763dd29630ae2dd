package dev.ferry.localcloud.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a service's test does on Kafka as "another system": sends records with headers, waiting
 * for the broker's acknowledgement, and reads a topic from its beginning until a record matches.
 */
public final class TopicProbe implements AutoCloseable {

    /** One record as read: key, headers (as text), value. */
    public record Received(String key, Map<String, String> headers, byte[] value) {

        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private final Properties clientSettings;
    private final KafkaProducer<String, byte[]> producer;

    /** @param clientSettings the bootstrap servers and a login, e.g. {@link KafkaBroker#adminClientSettings()} */
    public TopicProbe(Properties clientSettings) {
        this.clientSettings = new Properties();
        this.clientSettings.putAll(clientSettings);
        Properties props = settings();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Creates the topics that do not exist yet, with the broker's default partitions, as a cluster's
     * topic manifests would before its services start (so no consumer meets a missing topic).
     */
    public void createTopics(List<String> names) {
        try (Admin admin = Admin.create(settings())) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream().distinct().filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, Optional.empty(), Optional.empty())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the topics " + names + ": " + e.getMessage(), e);
        }
    }

    /** Sends a record and waits for the broker's acknowledgement. */
    public void send(String topic, String key, Map<String, String> headers, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /**
     * Reads {@code topic} from the beginning until {@code count} records match, or the deadline
     * passes; returns the matching records found.
     */
    public List<Received> read(String topic, Predicate<Received> matches, int count, Duration deadline) {
        Properties props = settings();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Received> found = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (found.size() < count && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new java.util.HashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                    }
                    Received received = new Received(record.key(), headers, record.value() == null ? new byte[0] : record.value());
                    if (matches.test(received)) {
                        found.add(received);
                    }
                }
            }
        }
        return found;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    private Properties settings() {
        Properties props = new Properties();
        props.putAll(clientSettings);
        return props;
    }
}
