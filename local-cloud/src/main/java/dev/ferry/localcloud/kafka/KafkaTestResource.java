package dev.ferry.localcloud.kafka;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Gives a Quarkus test its own in-process Kafka broker and points {@code kafka.bootstrap.servers} at it. */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    /** The configuration key this resource sets, the one SmallRye Reactive Messaging's Kafka connector reads. */
    public static final String BOOTSTRAP_SERVERS_KEY = "kafka.bootstrap.servers";

    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.start();
        return Map.of(BOOTSTRAP_SERVERS_KEY, broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
