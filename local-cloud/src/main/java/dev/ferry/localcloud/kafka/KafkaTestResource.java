package dev.ferry.localcloud.kafka;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a Quarkus test its own in-process Kafka broker and points {@code kafka.bootstrap.servers} at it; the service
 * logs in as the broker's administrator ({@code kafka.security.protocol}, {@code kafka.sasl.*}).
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    /** The configuration key this resource sets, the one SmallRye Reactive Messaging's Kafka connector reads. */
    public static final String BOOTSTRAP_SERVERS_KEY = "kafka.bootstrap.servers";

    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.start();
        Map<String, String> config = new java.util.HashMap<>(broker.admin().quarkusSettings());
        config.put(BOOTSTRAP_SERVERS_KEY, broker.bootstrapServers());
        return config;
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
