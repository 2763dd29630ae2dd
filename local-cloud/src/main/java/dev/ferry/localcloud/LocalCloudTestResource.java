package dev.ferry.localcloud;

import dev.ferry.localcloud.azure.AzureFake;
import dev.ferry.localcloud.kafka.KafkaBroker;
import dev.ferry.localcloud.kube.KubeCluster;
import dev.ferry.localcloud.kafka.TopicProbe;
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

    /** The bootstrap servers of the running test resource's Kafka broker. */
    public static String bootstrapServers() {
        String current = bootstrapServers;
        if (current == null) {
            throw new IllegalStateException("LocalCloudTestResource is not started");
        }
        return current;
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
        LocalCloud started = LocalCloud.start();
        // Before the service's first TLS connection: the Azure SDK then trusts the fake.
        started.azure().tls().trustInThisJvm();
        cloud = started;
        bootstrapServers = broker.bootstrapServers();
        kafka = new TopicProbe(broker.bootstrapServers());
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        config.put("ferry.azure.resource-manager-endpoint", started.azure().endpoint());
        config.put("ferry.azure.authority-host", started.azure().endpoint());
        config.put("ferry.azure.disable-instance-discovery", "true");
        config.put("ferry.azure.tenant-id", AzureFake.TENANT_ID);
        config.put("ferry.azure.client-id", AzureFake.CLIENT_ID);
        config.put("ferry.azure.client-secret", AzureFake.CLIENT_SECRET);
        config.put("ferry.azure.subscription-id", LocalCloud.SUBSCRIPTION_ID);
        String account = "ferry.staging-accounts." + LocalCloud.DR_STAGING_ACCOUNT;
        config.put(account + ".id", started.drStagingAccount().id());
        config.put(account + ".region", LocalCloud.DR_REGION);
        config.put(account + ".blob-endpoint", started.storage().blobEndpoint(LocalCloud.DR_STAGING_ACCOUNT));
        config.put(account + ".connection-string", started.storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT));
        // The Quarkus Kubernetes client: the mock API server of the cluster the service runs on. Services
        // without the extension ignore these keys. The mock's certificate is self-signed for "localhost",
        // so the test trusts it rather than pinning its CA.
        KubeCluster kube = drCluster ? started.drCluster() : started.sourceCluster();
        config.put("quarkus.kubernetes-client.api-server-url", kube.masterUrl());
        config.put("quarkus.kubernetes-client.trust-certs", "true");
        config.put("quarkus.kubernetes-client.token", "ferry-local-" + kube.role().contextName());
        return config;
    }

    @Override
    public void stop() {
        LocalCloud current = cloud;
        cloud = null;
        bootstrapServers = null;
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
