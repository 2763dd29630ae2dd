package dev.ferry.localcloud.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import dev.ferry.localcloud.LoopbackPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KubeClusterIT {

    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);
    private static final String SNAPSHOT_API_VERSION = KubeCluster.SNAPSHOT_GROUP + "/v1";

    private static KubeCluster source;
    private static KubeCluster dr;

    @BeforeAll
    static void startClusters() {
        source = KubeCluster.start(KubeCluster.Role.SOURCE);
        dr = KubeCluster.start(KubeCluster.Role.DR);
    }

    @AfterAll
    static void stopClusters() {
        if (source != null) {
            source.close();
        }
        if (dr != null) {
            dr.close();
        }
    }

    @Test
    void sourceAndDrAreSeparateServers() {
        createNamespace(source.client(), "shop");
        source.client().genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("shop")
                .resource(volumeSnapshot("shop", "only-on-source", "data-db-0")).create();

        assertThat(source.masterUrl()).isNotEqualTo(dr.masterUrl());
        assertThat(dr.client().genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("shop")
                .withName("only-on-source").get()).isNull();
        assertThat(dr.client().namespaces().withName("shop").get()).isNull();
        assertThat(source.client().genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("shop")
                .withName("only-on-source").get()).isNotNull();
    }

    @Test
    void volumeSnapshotStatusUpdateReachesWatchersAndReads() throws Exception {
        KubernetesClient client = source.client();
        createNamespace(client, "orders");
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        try (Watch watch = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("orders")
                .watch(new Recorder(events))) {
            GenericKubernetesResource created = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS)
                    .inNamespace("orders").resource(volumeSnapshot("orders", "snap-1", "data-orders-0")).create();

            Event added = awaitEvent(events, e -> e.action() == Watcher.Action.ADDED);
            assertThat(added.resource().getMetadata().getName()).isEqualTo("snap-1");
            assertThat(readyToUse(added.resource())).isNull();

            created.setAdditionalProperty("status", Map.of(
                    "readyToUse", true,
                    "boundVolumeSnapshotContentName", "snapcontent-1",
                    "restoreSize", "8Mi"));
            client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("orders")
                    .resource(created).updateStatus();

            Event modified = awaitEvent(events,
                    e -> e.action() == Watcher.Action.MODIFIED && Boolean.TRUE.equals(readyToUse(e.resource())));
            assertThat(modified.resource().<String>get("status", "boundVolumeSnapshotContentName"))
                    .isEqualTo("snapcontent-1");
        }

        GenericKubernetesResource read = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS)
                .inNamespace("orders").withName("snap-1").get();
        assertThat(readyToUse(read)).isTrue();
        assertThat(read.<String>get("status", "boundVolumeSnapshotContentName")).isEqualTo("snapcontent-1");
        assertThat(read.<String>get("spec", "source", "persistentVolumeClaimName")).isEqualTo("data-orders-0");
        // Discovery serves the CRD too, so clients that look resources up by apiVersion and kind find it.
        assertThat(client.genericKubernetesResources(SNAPSHOT_API_VERSION, "VolumeSnapshot").inNamespace("orders")
                .withName("snap-1").get()).isEqualTo(read);
    }

    @Test
    void statusIsASubresourceAsOnARealCluster() {
        KubernetesClient client = source.client();
        GenericKubernetesResource content = new GenericKubernetesResourceBuilder()
                .withApiVersion(SNAPSHOT_API_VERSION)
                .withKind("VolumeSnapshotContent")
                .withNewMetadata().withName("snapcontent-2").endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "driver", "disk.csi.azure.com",
                        "deletionPolicy", "Delete",
                        "volumeSnapshotRef", Map.of("namespace", "orders", "name", "snap-2")))
                .addToAdditionalProperties("status", Map.of("readyToUse", true))
                .build();

        GenericKubernetesResource created = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .resource(content).create();
        assertThat(created.getAdditionalProperties()).doesNotContainKey("status");

        created.setAdditionalProperty("status", Map.of("readyToUse", true));
        GenericKubernetesResource updated = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .resource(created).update();
        assertThat(updated.getAdditionalProperties()).doesNotContainKey("status");

        updated.setAdditionalProperty("status", Map.of("readyToUse", true, "snapshotHandle",
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/snapshots/snap-2"));
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).resource(updated).patchStatus();

        GenericKubernetesResource read = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withName("snapcontent-2").get();
        assertThat(readyToUse(read)).isTrue();
        assertThat(read.<String>get("status", "snapshotHandle")).endsWith("/snapshots/snap-2");
        assertThat(read.<String>get("spec", "driver")).isEqualTo("disk.csi.azure.com");
    }

    @Test
    void kubeconfigLetsAnotherClientReachTheSameServerOverVerifiedTls() {
        Config config = Config.fromKubeconfig(dr.kubeconfig().toFile());

        assertThat(config.getCurrentContext().getName()).isEqualTo("dr");
        assertThat(config.getMasterUrl()).isEqualTo(dr.masterUrl());
        assertThat(URI.create(config.getMasterUrl()).getScheme()).isEqualTo("https");
        assertThat(config.isTrustCerts()).isFalse();
        assertThat(config.getCaCertData()).isNotBlank();

        createNamespace(dr.client(), "restore");
        dr.client().configMaps().inNamespace("restore").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("marker").endMetadata()
                .addToData("written-by", "cluster client").build()).create();
        try (KubernetesClient other = new KubernetesClientBuilder().withConfig(config).build()) {
            assertThat(other.configMaps().inNamespace("restore").withName("marker").get().getData())
                    .containsEntry("written-by", "cluster client");
        }
    }

    @Test
    void closeStopsTheServerAndDeletesTheKubeconfig() {
        KubeCluster own = KubeCluster.start(KubeCluster.Role.DR);
        int port = URI.create(own.masterUrl()).getPort();
        assertThat(own.kubeconfig()).exists();
        assertThat(LoopbackPorts.accepts(port)).isTrue();

        own.close();

        assertThat(LoopbackPorts.accepts(port)).isFalse();
        assertThat(own.kubeconfig()).doesNotExist();
    }

    private static void createNamespace(KubernetesClient client, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
    }

    private static GenericKubernetesResource volumeSnapshot(String namespace, String name, String pvc) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(SNAPSHOT_API_VERSION)
                .withKind("VolumeSnapshot")
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "volumeSnapshotClassName", "csi-azuredisk-vsc",
                        "source", Map.of("persistentVolumeClaimName", pvc)))
                .build();
    }

    private static Boolean readyToUse(GenericKubernetesResource resource) {
        return resource.get("status", "readyToUse");
    }

    private static Event awaitEvent(BlockingQueue<Event> events, Predicate<Event> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + EVENT_TIMEOUT.toNanos();
        for (long left = EVENT_TIMEOUT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            Event event = events.poll(left, TimeUnit.NANOSECONDS);
            if (event != null && wanted.test(event)) {
                return event;
            }
        }
        throw new AssertionError("No matching watch event within " + EVENT_TIMEOUT);
    }

    private record Event(Watcher.Action action, GenericKubernetesResource resource) {
    }

    private record Recorder(BlockingQueue<Event> events) implements Watcher<GenericKubernetesResource> {

        @Override
        public void eventReceived(Action action, GenericKubernetesResource resource) {
            events.add(new Event(action, resource));
        }

        @Override
        public void onClose(WatcherException cause) {
            // A watch that breaks shows up as the awaited event never arriving.
        }
    }
}
