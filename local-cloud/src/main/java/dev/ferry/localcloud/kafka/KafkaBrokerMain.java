package dev.ferry.localcloud.kafka;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link KafkaBroker} as its own process for the local run and prints
 * {@code KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:<port>} on stdout once it accepts clients.
 */
public final class KafkaBrokerMain {

    /** The prefix of the single line written to stdout; whoever starts this process reads the address from it. */
    public static final String BOOTSTRAP_LINE_PREFIX = "KAFKA_BOOTSTRAP_SERVERS=";

    private static final String USAGE = "usage: KafkaBrokerMain [--port N]   (N = 0 or absent: a free port)";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Without this SLF4J would pick JBoss LogManager's provider (from quarkus-test-common), which prints nothing
        // outside Quarkus. Kafka logs its whole configuration at INFO; the local run only needs to hear about trouble.
        setIfAbsent("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int port;
        try {
            port = parsePort(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(port, new Properties());
        } catch (RuntimeException e) {
            System.err.println("Kafka broker did not start: " + e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } finally {
                stopped.countDown();
            }
        }, "kafka-broker-shutdown"));

        System.out.println(BOOTSTRAP_LINE_PREFIX + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private static int parsePort(String[] args) {
        if (args.length == 0) {
            return 0;
        }
        if (args.length != 2 || !"--port".equals(args[0])) {
            throw new IllegalArgumentException("Unexpected arguments: " + String.join(" ", args));
        }
        try {
            int port = Integer.parseInt(args[1]);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port out of range: " + args[1]);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Port is not a number: " + args[1], e);
        }
    }
}
