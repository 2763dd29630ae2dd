package dev.ferry.localcloud.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link KafkaBroker} as its own process for the local run and prints
 * {@code KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:<port>} on stdout once it accepts clients. The administrator's password
 * is read from the file {@code --admin-password-file} names (written by whoever starts the process), never from the
 * command line, where a process listing would show it.
 */
public final class KafkaBrokerMain {

    /** The prefix of the single line written to stdout; whoever starts this process reads the address from it. */
    public static final String BOOTSTRAP_LINE_PREFIX = "KAFKA_BOOTSTRAP_SERVERS=";

    private static final String USAGE = "usage: KafkaBrokerMain --admin-password-file FILE [--port N]   (N = 0 or absent: a free port)";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Without this SLF4J would pick JBoss LogManager's provider (from quarkus-test-common), which prints nothing
        // outside Quarkus. Kafka logs its whole configuration at INFO; the local run only needs to hear about trouble.
        setIfAbsent("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int port;
        KafkaLogin admin;
        try {
            Map<String, String> options = options(args);
            port = parsePort(options.getOrDefault("--port", "0"));
            String passwordFile = options.get("--admin-password-file");
            if (passwordFile == null) {
                throw new IllegalArgumentException("--admin-password-file is required");
            }
            admin = new KafkaLogin(KafkaBroker.ADMIN_USER, readPassword(Path.of(passwordFile)));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(port, new Properties(), admin);
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

    private static Map<String, String> options(String[] args) {
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("Unexpected arguments: " + String.join(" ", args));
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!Set.of("--port", "--admin-password-file").contains(args[i]) || options.put(args[i], args[i + 1]) != null) {
                throw new IllegalArgumentException("Unexpected arguments: " + String.join(" ", args));
            }
        }
        return options;
    }

    private static String readPassword(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the administrator's password from " + file + ": " + e.getMessage(), e);
        }
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port out of range: " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Port is not a number: " + value, e);
        }
    }
}
