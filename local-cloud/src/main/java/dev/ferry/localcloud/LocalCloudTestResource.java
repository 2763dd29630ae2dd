package dev.ferry.localcloud;

import dev.ferry.localcloud.kafka.KafkaBroker;
import dev.ferry.localcloud.kafka.TopicProbe;
import dev.ferry.localcloud.kube.KubeCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * A Quarkus test resource for a service's {@code *IT}: a real Kafka broker and the whole local
 * cloud in the test JVM, and the configuration that points the service at them. The keys follow
 * the convention every Ferry service's configuration shares: {@code ferry.azure.*} for the Azure
 * endpoint and credential, {@code ferry.staging-accounts.<name>.*} for the region-B staging account.
 *
 * <p>The test reaches the running cloud through {@link #cloud()} and the broker through {@link #kafka()}.
 * The Quarkus Kubernetes client points at the source cluster, or at the DR cluster with the init
 * argument {@code cluster=dr} ({@code @WithTestResource(initArgs = @ResourceArg(name = "cluster", value = "dr"))}).
 */
public final class LocalCloudTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile LocalCloud cloud;
    private static volatile String bootstrapServers;
    private static volatile TopicProbe kafka;
    private static volatile KubeCluster serviceCluster;
    private static volatile KafkaBroker runningBroker;
    /** The init argument that chooses the cluster the service's Kubernetes client talks to: {@code source} or {@code dr}. */
    public static final String CLUSTER_ARG = "cluster";

    private KafkaBroker broker;
    private boolean drCluster;

    /** The cloud of the running test resource. */
    public static LocalCloud cloud() {
        LocalCloud current = cloud;
        if (current == null) {
            throw new IllegalStateException("LocalCloudTestResource is not started");
        }
        return current;
    }

    /** The settings of a client of the running test resource's broker that logs in as its administrator. */
    public static java.util.Properties kafkaClientSettings() {
        KafkaBroker current = runningBroker;
        if (current == null) {
            throw new IllegalStateException("LocalCloudTestResource is not started");
        }
        return current.adminClientSettings();
    }

    /** The bootstrap servers of the running test resource's Kafka broker. */
    public static String bootstrapServers() {
        String current = bootstrapServers;
        if (current == null) {
            throw new IllegalStateException("LocalCloudTestResource is not started");
        }
        return current;
    }

    /** The cluster the service's Kubernetes client talks to, and so the one that authenticates its REST callers. */
    public static KubeCluster serviceCluster() {
        KubeCluster current = serviceCluster;
        if (current == null) {
            throw new IllegalStateException("LocalCloudTestResource is not started");
        }
        return current;
    }

    /**
     * A bearer token of a cluster administrator on the service's cluster, for tests that call the REST API and are not
     * about who may: {@code Authorization: Bearer <token>}.
     */
    public static String adminToken() {
        return serviceCluster().adminToken();
    }

    /** A probe on the running test resource's broker, to play the other systems: send records, read topics. */
    public static TopicProbe kafka() {
        TopicProbe current = kafka;
        if (current == null) {
            throw new IllegalStateException("LocalCloudTestResource is not started");
        }
        return current;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        String cluster = initArgs.getOrDefault(CLUSTER_ARG, "source");
        if (!cluster.equals("source") && !cluster.equals("dr")) {
            throw new IllegalArgumentException("init argument " + CLUSTER_ARG + " must be source or dr, not " + cluster);
        }
        drCluster = cluster.equals("dr");
    }

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.start();
        runningBroker = broker;
        LocalCloud started = LocalCloud.start();
        // Before the service's first TLS connection: the Azure SDK then trusts the fake.
        started.azure().tls().trustInThisJvm();
        cloud = started;
        bootstrapServers = broker.bootstrapServers();
        kafka = new TopicProbe(broker.adminClientSettings());
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        // The service logs in as the broker's administrator: a service's test is not about the ACLs (e2e's are).
        config.putAll(broker.admin().quarkusSettings());
        config.putAll(started.serviceSettings());
        // Services without the Kubernetes client extension ignore these keys.
        serviceCluster = drCluster ? started.drCluster() : started.sourceCluster();
        config.putAll(LocalCloud.kubernetesClientSettings(serviceCluster));
        return config;
    }

    @Override
    public void stop() {
        LocalCloud current = cloud;
        cloud = null;
        bootstrapServers = null;
        runningBroker = null;
        serviceCluster = null;
        TopicProbe probe = kafka;
        kafka = null;
        if (probe != null) {
            probe.close();
        }
        if (current != null) {
            current.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
