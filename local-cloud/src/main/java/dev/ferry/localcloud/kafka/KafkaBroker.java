package dev.ferry.localcloud.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.plain.internals.PlainSaslServerProvider;
import org.apache.kafka.common.security.scram.internals.ScramSaslServerProvider;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Apache Kafka broker in KRaft mode, run in-process on loopback, for tests and the local run.
 *
 * <p>It runs as Ferry's Kafka on Strimzi does (deploy/kafka): every client logs in with SCRAM-SHA-512 and the
 * standard authorizer allows only what an ACL grants. The broker's own administrator, {@link #admin()}, is a super
 * user whose credential is written at format time, as {@code kafka-storage format --add-scram} does; other users and
 * their ACLs are made through the Admin API ({@link KafkaUserOperator}). The controller listener uses SASL/PLAIN with
 * a password that never leaves this object, so no client reaches the controller unauthenticated either.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Partitions of an automatically created topic unless {@code num.partitions} is overridden. */
    public static final int DEFAULT_PARTITIONS = 3;

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "CLIENT";
    private static final String CONTROLLER_USER = "controller";
    /** The user name of {@link #admin()}. */
    public static final String ADMIN_USER = "admin";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READY_PROBE_TIMEOUT = Duration.ofSeconds(2);
    // A free port found by binding port 0 can be taken by someone else before Kafka binds it.
    private static final int PORT_ATTEMPTS = 3;

    // These decide where the broker listens and what it is; an override could expose it beyond loopback.
    private static final Set<String> RESERVED_KEYS = Set.of(
            "process.roles", "node.id", "broker.id", "listeners", "advertised.listeners",
            "listener.security.protocol.map", "controller.listener.names", "inter.broker.listener.name",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "log.dir", "log.dirs", "metadata.log.dir",
            // ... and these who may connect and what they may do.
            "authorizer.class.name", "super.users", "allow.everyone.if.no.acl.found", "sasl.enabled.mechanisms",
            "sasl.mechanism.inter.broker.protocol", "sasl.mechanism.controller.protocol");

    private final KafkaRaftServer server;
    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private final KafkaLogin admin;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KafkaBroker(KafkaRaftServer server, Path logDir, int brokerPort, int controllerPort, KafkaLogin admin) {
        this.server = server;
        this.admin = admin;
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** Starts a broker on free loopback ports and returns once it accepts clients. */
    public static KafkaBroker start() {
        return start(0, new Properties(), KafkaLogin.generate(ADMIN_USER));
    }

    /** Starts a broker on free loopback ports with broker settings overridden, e.g. {@code num.partitions}. */
    public static KafkaBroker start(Properties overrides) {
        return start(0, overrides, KafkaLogin.generate(ADMIN_USER));
    }

    /**
     * Starts a broker whose client listener is on {@code brokerPort} (0 for a free port) and returns once it
     * accepts clients; {@code admin} is the super user's login (its name must be {@link #ADMIN_USER}).
     */
    public static KafkaBroker start(int brokerPort, Properties overrides, KafkaLogin admin) {
        if (!admin.username().equals(ADMIN_USER)) {
            throw new IllegalArgumentException("The broker's administrator is " + ADMIN_USER + ", not " + admin.username());
        }
        if (brokerPort < 0 || brokerPort > 65535) {
            throw new IllegalArgumentException("Broker port out of range: " + brokerPort);
        }
        for (String key : overrides.stringPropertyNames()) {
            if (RESERVED_KEYS.contains(key)) {
                throw new IllegalArgumentException("Broker setting " + key + " is fixed by KafkaBroker and cannot be overridden");
            }
        }
        // Only ports found free by this class can be exchanged for others; a fixed port that is taken stays taken.
        int attempts = brokerPort == 0 ? PORT_ATTEMPTS : 1;
        RuntimeException bindFailure = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            int[] ports = freePorts(brokerPort);
            try {
                return startOn(ports[0], ports[1], overrides, admin);
            } catch (RuntimeException e) {
                if (!isBindFailure(e)) {
                    throw e;
                }
                bindFailure = new IllegalStateException("Kafka broker could not bind " + HOST + ":" + ports[0]
                        + " (clients) or " + HOST + ":" + ports[1] + " (controller): address in use", e);
            }
        }
        throw bindFailure;
    }

    /** The address clients connect to, {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The port of the client listener. */
    public int port() {
        return brokerPort;
    }

    /** The login of the broker's super user, for a test's or a tool's own clients and for making other users. */
    public KafkaLogin admin() {
        return admin;
    }

    /** Settings of a Kafka client that logs in as {@link #admin()}: the bootstrap servers and the SASL settings. */
    public Properties adminClientSettings() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        props.putAll(admin.clientSettings());
        return props;
    }

    int controllerPort() {
        return controllerPort;
    }

    Path logDir() {
        return logDir;
    }

    /** Shuts the broker down, waits for it to stop and deletes its log directory. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } finally {
                deleteQuietly(logDir);
            }
        }
    }

    private static KafkaBroker startOn(int brokerPort, int controllerPort, Properties overrides, KafkaLogin admin) {
        Path logDir = createLogDir();
        KafkaRaftServer server = null;
        KafkaLogin controller = KafkaLogin.generate(CONTROLLER_USER);
        try {
            KafkaConfig config = KafkaConfig.fromProps(settings(brokerPort, controllerPort, logDir, overrides, admin, controller), false);
            format(logDir, admin);
            useThisClassLoadersSaslServers();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            KafkaBroker broker = new KafkaBroker(server, logDir, brokerPort, controllerPort, admin);
            broker.awaitUnfenced();
            return broker;
        } catch (RuntimeException e) {
            if (server != null) {
                shutDownQuietly(server, e);
            }
            deleteQuietly(logDir);
            throw e;
        }
    }

    private static Properties settings(int brokerPort, int controllerPort, Path logDir, Properties overrides,
                                       KafkaLogin admin, KafkaLogin controller) {
        Properties props = new Properties();
        // A test broker: one node, nothing replicated, groups formed without waiting for more members.
        props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
        props.put("auto.create.topics.enable", "true");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        // Fewer partitions make the first consumer group's __consumer_offsets creation quick.
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.putAll(overrides);

        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        // Clients: SCRAM-SHA-512, whose credentials live in the cluster's metadata. The controller: PLAIN, because a
        // KRaft controller cannot read SCRAM credentials from the metadata it is itself serving.
        String client = "listener.name." + BROKER_LISTENER.toLowerCase(Locale.ROOT) + ".";
        String control = "listener.name." + CONTROLLER_LISTENER.toLowerCase(Locale.ROOT) + ".";
        props.put("sasl.enabled.mechanisms", KafkaLogin.MECHANISM);
        props.put(client + "sasl.enabled.mechanisms", KafkaLogin.MECHANISM);
        props.put(client + KafkaLogin.MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config", admin.jaasConfig());
        props.put("sasl.mechanism.inter.broker.protocol", KafkaLogin.MECHANISM);
        props.put(control + "sasl.enabled.mechanisms", "PLAIN");
        props.put(control + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + controller.username() + "\" password=\"" + controller.password() + "\" user_" + controller.username() + "=\""
                + controller.password() + "\";");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + admin.username() + ";User:" + controller.username());
        props.put("allow.everyone.if.no.acl.found", "false");
        props.put("log.dirs", logDir.toString());
        return props;
    }

    /**
     * Kafka's SASL servers are JVM-wide security providers, registered once by whichever class loader gets there first.
     * A Quarkus test restarts its application in a new class loader, and a broker started there would get the old
     * loader's SaslServer, whose callbacks its own callback handler does not recognise ({@code instanceof} fails across
     * loaders) and every login would be refused. So each broker installs the providers of its own classes.
     */
    private static synchronized void useThisClassLoadersSaslServers() {
        Security.removeProvider("SASL/SCRAM Server Provider");
        Security.removeProvider("Simple SASL/PLAIN Server Provider");
        ScramSaslServerProvider.initialize();
        PlainSaslServerProvider.initialize();
    }

    // KafkaRaftServer refuses to start on a log directory that carries no meta.properties and bootstrap checkpoint.
    private static void format(Path logDir, KafkaLogin admin) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setScramArguments(List.of(KafkaLogin.MECHANISM + "=[name=" + admin.username() + ",password=" + admin.password() + "]"))
                    .run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka log directory " + logDir, e);
        }
    }

    // startup() can return while the broker is still fenced; topic creation would then see no brokers.
    private void awaitUnfenced() {
        Properties adminConfig = adminClientSettings();
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_PROBE_TIMEOUT.toMillis());
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) READY_PROBE_TIMEOUT.toMillis());
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminConfig)) {
            DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) READY_PROBE_TIMEOUT.toMillis());
            while (true) {
                try {
                    for (Node node : admin.describeCluster(options).nodes().get(READY_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        if (node.id() == NODE_ID) {
                            return;
                        }
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // Not serving metadata yet; ask again until the deadline.
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("Kafka broker at " + bootstrapServers()
                            + " did not become ready within " + READY_TIMEOUT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker to become ready", e);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    // Both sockets are held open together so that the two ports differ.
    private static int[] freePorts(int fixedBrokerPort) {
        try (ServerSocket first = bindAnyPort(); ServerSocket second = bindAnyPort()) {
            if (fixedBrokerPort == 0) {
                return new int[] {first.getLocalPort(), second.getLocalPort()};
            }
            int controller = first.getLocalPort() != fixedBrokerPort ? first.getLocalPort() : second.getLocalPort();
            return new int[] {fixedBrokerPort, controller};
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }

    private static ServerSocket bindAnyPort() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        return socket;
    }

    private static Path createLogDir() {
        try {
            return Files.createTempDirectory("ferry-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a Kafka log directory", e);
        }
    }

    private static void shutDownQuietly(KafkaRaftServer server, RuntimeException cause) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            // Only a leftover in the temp directory; the broker itself has stopped.
        }
    }
}
