package dev.ferry.e2e;

import dev.ferry.events.Topics;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azurite.Azurite;
import dev.ferry.localcloud.kafka.KafkaBroker;
import dev.ferry.localcloud.kafka.KafkaBrokerMain;
import dev.ferry.localcloud.kafka.KafkaLogin;
import dev.ferry.localcloud.kafka.KafkaUserOperator;
import dev.ferry.localcloud.kafka.TopicProbe;
import dev.ferry.localcloud.kube.KubeCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Everything the local DR run needs, started the way the two clusters would run it: a Kafka broker as
 * its own process; the local cloud (Azurite behind the storage front, the Azure fake, the source and DR
 * Kubernetes mocks with their CSI simulators) in this JVM, so that the run can write the demo
 * application's data and read the restored disks; and the four services as separate processes from
 * their packaged {@code quarkus-run.jar}: snapshot- and export-service against the source cluster,
 * import- and restore-service against the DR cluster. Every process logs to one folder. A test may ask
 * for several export-service replicas in one consumer group and for settings of its own
 * ({@link Options}), and may kill a process as a crash would ({@link #kill}). Kafka runs as deploy/kafka makes it
 * run: every client logs in (SCRAM-SHA-512), and each service as its own user with the ACLs of its KafkaUser manifest
 * there, so the run proves those ACLs are enough and no more is needed.
 */
final class FerryStack implements AutoCloseable {

    static final String SOURCE_CLUSTER = "aks-source";
    static final String DR_CLUSTER = "aks-dr";
    static final String EXPORT_SERVICE = "export-service";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final String PEOPLE_ROLES = "deploy/base/access/01-clusterroles.yaml";
    /** Ferry's CRDs, which both overlays install (restore-service lists the DR cluster's DrillSchedules). */
    private static final List<String> CRDS = List.of("deploy/crds/backuppolicies.ferry.dev.yaml",
            "deploy/crds/drillschedules.ferry.dev.yaml");
    private static final String KAFKA_MANIFESTS = "deploy/kafka";
    /** The Kafka user of other systems (deploy/kafka/08-kafkauser-external-systems.yaml). */
    static final String EXTERNAL_SYSTEMS = "ferry-external-systems";

    /**
     * How a stack differs from the local DR run's.
     *
     * @param exportReplicas export-service processes, all with the same settings and consumer group; with more than one
     *                       they are named {@code export-service-1}, {@code export-service-2}, ...
     * @param settings       per service, settings added to (or replacing) what {@link #configuration} gives it
     */
    record Options(int exportReplicas, Map<String, Map<String, String>> settings) {

        /** One process per service, configured as the local DR run configures it. */
        static final Options DEFAULT = new Options(1, Map.of());

        Options {
            if (exportReplicas < 1) {
                throw new IllegalArgumentException("at least one export-service replica, not " + exportReplicas);
            }
            settings = Map.copyOf(settings);
        }

        /** One replica per service with the settings of {@code --set service:key=value,...} (a run's option). */
        static Options withSettings(String spec) {
            Map<String, Map<String, String>> settings = new LinkedHashMap<>();
            for (String setting : spec.split(",")) {
                if (setting.isBlank()) {
                    continue;
                }
                String[] parts = setting.split("[:=]", 3);
                if (parts.length != 3) {
                    throw new IllegalArgumentException("--set wants service:key=value, not " + setting);
                }
                settings.computeIfAbsent(parts[0], service -> new LinkedHashMap<>()).put(parts[1], parts[2]);
            }
            return new Options(1, settings);
        }
    }

    private final Path runDirectory;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, Api> apis = new LinkedHashMap<>();
    private final Map<String, ManagedProcess> services = new LinkedHashMap<>();
    /** What each service process was started with, so that a killed one can start again the same way. */
    private final Map<String, Map<String, String>> configurations = new LinkedHashMap<>();
    private Layout layout;
    private LocalCloud cloud;
    private TopicProbe kafka;
    private String bootstrapServers;
    private final KafkaLogin kafkaAdmin = KafkaLogin.generate(KafkaBroker.ADMIN_USER);
    /** Per Kafka user of deploy/kafka (ferry-snapshot-service, ..., ferry-external-systems), its login. */
    private final Map<String, KafkaLogin> kafkaLogins = new HashMap<>();

    private boolean closed;
    private final Thread stopOnExit = new Thread(this::close, "ferry-stack-stop");

    /** A stack that starts nothing yet: hand it to a shutdown hook first, then {@link #startAll}. */
    FerryStack(Path runDirectory) {
        this.runDirectory = runDirectory;
    }

    /**
     * Starts everything; stops what it started if a part fails.
     *
     * @param faults a fault specification for the Azure fake (see local-cloud's README), or null
     */
    static FerryStack start(Layout layout, Path runDirectory, String faults, Consumer<String> progress) {
        return start(layout, runDirectory, faults, Options.DEFAULT, progress);
    }

    /** Starts everything with a test's {@link Options}; stops what it started if a part fails. */
    static FerryStack start(Layout layout, Path runDirectory, String faults, Options options, Consumer<String> progress) {
        FerryStack stack = new FerryStack(runDirectory);
        stack.startAll(layout, faults, options, progress);
        return stack;
    }

    /** Starts everything; on a failure, or when {@link #close} is called meanwhile, stops what it started. */
    void startAll(Layout layout, String faults, Consumer<String> progress) {
        startAll(layout, faults, Options.DEFAULT, progress);
    }

    /** Starts everything with a run's {@link Options} (settings of the services' own); see {@link #startAll(Layout, String, Consumer)}. */
    void startAll(Layout layout, String faults, Options options, Consumer<String> progress) {
        // If this JVM is told to stop (SIGTERM, a build's timeout) before close(), the processes stop with it.
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            startEach(layout, faults, options, progress);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startEach(Layout layout, String faults, Options options, Consumer<String> progress) {
        this.layout = layout;
        if (System.getProperty(Azurite.NODE_MODULES_PROPERTY) == null) {
            System.setProperty(Azurite.NODE_MODULES_PROPERTY, layout.azuriteModules().toString());
        }
        progress.accept("starting the Kafka broker (its own process) and the local cloud");
        Path passwordFile = writeSecret(runDirectory.resolve("kafka").resolve("admin.password"), kafkaAdmin.password());
        ManagedProcess broker = remember(ManagedProcess.start("kafka", List.of(Layout.java(), "-Xmx512m", "-cp", layout.classPath(),
                KafkaBrokerMain.class.getName(), "--admin-password-file", passwordFile.toString()), runDirectory.resolve("kafka"),
                logs().resolve("kafka.log")));
        // The cloud starts while the broker does; whatever happens to the broker, the cloud is stopped with the rest.
        CompletableFuture<LocalCloud> cloudStart = CompletableFuture.supplyAsync(LocalCloud::start);
        String line;
        try {
            line = broker.awaitLine(l -> l.startsWith(KafkaBrokerMain.BOOTSTRAP_LINE_PREFIX), START_TIMEOUT);
        } finally {
            cloud = remember(cloudStart.join());
        }
        bootstrapServers = line.substring(KafkaBrokerMain.BOOTSTRAP_LINE_PREFIX.length()).strip();
        cloud.azure().tls().trustInThisJvm();
        if (faults != null && !faults.isBlank()) {
            cloud.azure().faults().configure(faults);
        }
        kafka = remember(new TopicProbe(kafkaClientSettings()));
        Map<String, String> tokens = grantTheOperator();
        // As a cluster's topic manifests (deploy/kafka) do: the topics exist before any service subscribes.
        List<String> topics = new ArrayList<>(Topics.ALL);
        Topics.ALL.forEach(topic -> topics.add(Topics.dlq(topic)));
        kafka.createTopics(topics);
        makeKafkaUsers();

        progress.accept("starting snapshot-, export-, import- and restore-service (packaged apps, one process each)");
        for (String service : List.of("snapshot-service", EXPORT_SERVICE, "import-service", "restore-service")) {
            int replicas = service.equals(EXPORT_SERVICE) ? options.exportReplicas() : 1;
            for (int replica = 1; replica <= replicas; replica++) {
                String name = replicas == 1 ? service : service + "-" + replica;
                int port = freePort();
                int managementPort = freePort();
                Map<String, String> config = configuration(service, port, managementPort);
                config.putAll(options.settings().getOrDefault(service, Map.of()));
                ManagedProcess process = remember(ServiceLauncher.start(layout, service, config,
                        runDirectory.resolve(name), logs().resolve(name + ".log"), cloud.azure().tls()));
                synchronized (services) {
                    services.put(name, process);
                    configurations.put(name, config);
                }
                apis.put(name, new Api("http://127.0.0.1:" + port, "http://127.0.0.1:" + managementPort, tokens.get(service)));
            }
        }
        for (Map.Entry<String, ManagedProcess> service : services.entrySet()) {
            ServiceLauncher.awaitReady(service.getValue(), apis.get(service.getKey()), START_TIMEOUT);
        }
    }

    /** What Strimzi's User Operator does with deploy/kafka's KafkaUsers: a login and the ACLs for each. */
    private void makeKafkaUsers() {
        KafkaUserOperator operator = new KafkaUserOperator(kafkaClientSettings());
        try (var manifests = Files.list(layout.root().resolve(KAFKA_MANIFESTS))) {
            for (Path manifest : manifests.filter(p -> p.getFileName().toString().contains("kafkauser")).sorted().toList()) {
                KafkaUserOperator.kafkaUsers(manifest).forEach(user -> kafkaLogins.put(user.path("metadata").path("name").asText(),
                        operator.apply(user)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String service : List.of("snapshot-service", EXPORT_SERVICE, "import-service", "restore-service")) {
            if (!kafkaLogins.containsKey("ferry-" + service)) {
                throw new IllegalStateException("no KafkaUser ferry-" + service + " in " + KAFKA_MANIFESTS);
            }
        }
    }

    /** A Kafka client's settings (bootstrap servers and login) as the broker's administrator, for a test's own clients. */
    Properties kafkaClientSettings() {
        return kafkaClientSettings(kafkaAdmin);
    }

    /** A Kafka client's settings that log in as one of deploy/kafka's users, e.g. {@link #EXTERNAL_SYSTEMS}. */
    Properties kafkaClientSettings(String kafkaUser) {
        KafkaLogin login = kafkaLogins.get(kafkaUser);
        if (login == null) {
            throw new IllegalArgumentException("no Kafka user " + kafkaUser + " in " + kafkaLogins.keySet());
        }
        return kafkaClientSettings(login);
    }

    private Properties kafkaClientSettings(KafkaLogin login) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.putAll(login.clientSettings());
        return props;
    }

    /**
     * Writes what a person needs to call the running stack by hand into {@code <run>/access/}, readable by its owner only
     * (never into a log): the operator's bearer token for each cluster ({@code source-token}, {@code dr-token}) and a
     * librdkafka file that logs in as {@link #EXTERNAL_SYSTEMS} ({@code ferry-kafka.conf}, for kcat's {@code -F}).
     */
    Path writeAccessFiles() {
        Path access = runDirectory.resolve("access");
        writeSecret(access.resolve("source-token"), snapshotService().token());
        writeSecret(access.resolve("dr-token"), restoreService().token());
        KafkaLogin external = kafkaLogins.get(EXTERNAL_SYSTEMS);
        writeSecret(access.resolve("ferry-kafka.conf"), "bootstrap.servers=" + bootstrapServers + "\nsecurity.protocol=SASL_PLAINTEXT\n"
                + "sasl.mechanisms=" + KafkaLogin.MECHANISM + "\nsasl.username=" + EXTERNAL_SYSTEMS + "\nsasl.password="
                + external.password() + "\n");
        return access;
    }

    /** The Kafka passwords of the run: secrets that no log may hold. */
    Set<String> kafkaPasswords() {
        Set<String> passwords = new java.util.HashSet<>();
        passwords.add(kafkaAdmin.password());
        kafkaLogins.values().forEach(login -> passwords.add(login.password()));
        return passwords;
    }

    private static Path writeSecret(Path file, String secret) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per service, the bearer token its REST calls carry. */
    private final Map<String, String> issuedTokens = new HashMap<>();

    /** The bearer tokens the run's REST calls carry: secrets that no log may hold. */
    Collection<String> issuedTokens() {
        return List.copyOf(issuedTokens.values());
    }

    /** Who the run's REST calls are made as: a platform engineer, {@code ferry-admin} on both clusters. */
    static final String OPERATOR = "platform-engineer@local";

    /**
     * Installs Ferry's CRDs (deploy/crds) and ClusterRoles for people (deploy/base/access) on both clusters, as the overlays
     * do, binds {@link #OPERATOR} to {@code ferry-admin} everywhere, and gives per service a token of the cluster it asks
     * about its callers.
     */
    private Map<String, String> grantTheOperator() {
        Map<String, String> tokens = issuedTokens;
        for (KubeCluster cluster : List.of(cloud.sourceCluster(), cloud.drCluster())) {
            CRDS.forEach(crd -> cluster.create(layout.root().resolve(crd)));
            cluster.create(layout.root().resolve(PEOPLE_ROLES));
            cluster.bind(OPERATOR, "ferry-admin", null);
            String token = cluster.identities().issueUser(OPERATOR, List.of(), Duration.ofDays(1));
            List<String> services = cluster == cloud.sourceCluster() ? List.of("snapshot-service", EXPORT_SERVICE)
                    : List.of("import-service", "restore-service");
            services.forEach(service -> tokens.put(service, token));
        }
        return tokens;
    }

    /** What one service is told, as a cluster's ConfigMap would tell it. */
    private Map<String, String> configuration(String service, int port, int managementPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("quarkus.http.port", Integer.toString(port));
        config.put("quarkus.management.host", "127.0.0.1");
        config.put("quarkus.management.port", Integer.toString(managementPort));
        config.put("kafka.bootstrap.servers", bootstrapServers);
        config.putAll(kafkaLogins.get("ferry-" + service).quarkusSettings());
        config.putAll(cloud.serviceSettings());
        String drGroup = "/subscriptions/" + LocalCloud.SUBSCRIPTION_ID + "/resourceGroups/" + LocalCloud.DR_GROUP;
        switch (service) {
            case "snapshot-service" -> {
                config.put("ferry.cluster", SOURCE_CLUSTER);
                config.put("ferry.target.region", LocalCloud.DR_REGION);
                config.put("ferry.target.subscription-id", LocalCloud.SUBSCRIPTION_ID);
                config.put("ferry.target.resource-group", LocalCloud.DR_GROUP);
                config.put("ferry.target.staging-storage-account-id", cloud.drStagingAccount().id());
                config.put("ferry.snapshot.poll-interval", "200ms");
                config.put(ServiceLauncher.KUBECONFIG, cloud.sourceCluster().kubeconfig().toString());
            }
            case "export-service" -> {
                config.put("ferry.cluster", SOURCE_CLUSTER);
                config.put("ferry.source-resource-groups", "/subscriptions/" + LocalCloud.SUBSCRIPTION_ID + "/resourceGroups/"
                        + LocalCloud.SOURCE_NODE_GROUP);
                config.put("ferry.target-resource-groups", drGroup);
                config.put("ferry.copy-start.poll-interval", "200ms");
                config.put("ferry.retry.initial-backoff", "1s");
            }
            case "import-service" -> {
                config.put("ferry.cluster", DR_CLUSTER);
                config.put("ferry.target-resource-groups", drGroup);
                config.put("ferry.sweeper.catalog-account", LocalCloud.DR_STAGING_ACCOUNT);
                config.put("ferry.retry.initial-backoff", "1s");
                // Only to ask the DR cluster who calls the sweep API.
                config.put(ServiceLauncher.KUBECONFIG, cloud.drCluster().kubeconfig().toString());
            }
            case "restore-service" -> {
                config.put("ferry.cluster", DR_CLUSTER);
                config.put("ferry.catalog.account", LocalCloud.DR_STAGING_ACCOUNT);
                config.put("ferry.target-resource-groups", drGroup);
                config.put("ferry.restore.poll-interval", "100ms");
                config.put(ServiceLauncher.KUBECONFIG, cloud.drCluster().kubeconfig().toString());
            }
            default -> throw new IllegalArgumentException(service);
        }
        return config;
    }

    LocalCloud cloud() {
        return cloud;
    }

    TopicProbe kafka() {
        return kafka;
    }

    /** The Kafka broker's bootstrap servers, for a test's own admin or consumer client. */
    String bootstrapServers() {
        return bootstrapServers;
    }

    Api snapshotService() {
        return apis.get("snapshot-service");
    }

    Api restoreService() {
        return apis.get("restore-service");
    }

    /** The REST API of any service process by name, e.g. for its {@code /q/metrics}. */
    Api api(String name) {
        Api api = apis.get(name);
        if (api == null) {
            throw new IllegalArgumentException("no service " + name + " in " + apis.keySet());
        }
        return api;
    }

    /** The names of the service processes, in start order. */
    List<String> serviceNames() {
        synchronized (services) {
            return List.copyOf(services.keySet());
        }
    }

    /** The names of the export-service processes, in start order. */
    List<String> exportReplicas() {
        synchronized (services) {
            return services.keySet().stream().filter(n -> n.startsWith(EXPORT_SERVICE)).collect(Collectors.toList());
        }
    }

    /** A service process by name ({@code export-service-2}, {@code import-service}, ...). */
    ManagedProcess process(String name) {
        synchronized (services) {
            ManagedProcess process = services.get(name);
            if (process == null) {
                throw new IllegalArgumentException("no process " + name + " in " + services.keySet());
            }
            return process;
        }
    }

    /**
     * Kills one service process with SIGKILL, as a crash or an evicted node would, and returns its exit
     * code; it no longer counts as a process that stopped unexpectedly.
     */
    int kill(String name) {
        return process(name).kill(KILL_TIMEOUT);
    }

    /**
     * Starts a killed service process again with the same settings, as Kubernetes restarts a pod's container,
     * and waits until it is ready; its log is a new file ({@code <name>-restart-<nanos>.log}).
     */
    void restart(String name) {
        ManagedProcess old = process(name);
        if (old.alive()) {
            throw new IllegalStateException(name + " is still running");
        }
        String service = name.replaceAll("-\\d+$", "");
        Path log = logs().resolve(name + "-restart-" + System.nanoTime() + ".log");
        ManagedProcess process = remember(ServiceLauncher.start(layout, service, configurations.get(name),
                runDirectory.resolve(name), log, cloud.azure().tls()));
        synchronized (services) {
            services.put(name, process);
        }
        ServiceLauncher.awaitReady(process, apis.get(name), START_TIMEOUT);
    }

    Path logs() {
        return runDirectory.resolve("logs");
    }

    /** Keeps a started part for {@link #close}; stops it at once if the stack was closed meanwhile (Ctrl-C). */
    private <T extends AutoCloseable> T remember(T part) {
        synchronized (started) {
            if (!closed) {
                started.add(part);
                return part;
            }
        }
        try {
            part.close();
        } catch (Exception e) {
            System.err.println("stopping " + part + " failed: " + e.getMessage());
        }
        throw new IllegalStateException("the run was stopped while it started");
    }

    /** The processes that ended although nobody stopped them. */
    List<String> deadProcesses() {
        List<AutoCloseable> parts;
        synchronized (started) {
            parts = List.copyOf(started);
        }
        return parts.stream().filter(s -> s instanceof ManagedProcess p && !p.alive() && !p.killed())
                .map(s -> ((ManagedProcess) s).name()).collect(Collectors.toList());
    }

    /** Stops everything started so far, newest first; a start still under way stops what it starts next. */
    @Override
    public void close() {
        List<AutoCloseable> parts;
        synchronized (started) {
            closed = true;
            parts = new ArrayList<>(started);
            started.clear();
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                System.err.println("stopping " + parts.get(i) + " failed: " + e.getMessage());
            }
        }
        if (Thread.currentThread() != stopOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // The JVM is already stopping, or the hook was never added.
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void createDirectories(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
