package dev.ferry.snapshot.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.localcloud.kube.KubeCluster;
import dev.ferry.snapshot.FerryLabels;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotRequest;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Waiting for VolumeSnapshots through the one shared informer, against local-cloud's Kubernetes
 * mock: a wait ends when the snapshot settles or is deleted, long before its bound, and many waits
 * share one watch.
 */
class KubeVolumeSnapshotterIT {

    /** Far longer than any change here takes to arrive: a wait that ends by its bound has missed the change. */
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static KubeCluster cluster;
    private static KubeVolumeSnapshotter snapshotter;

    @BeforeAll
    static void start() {
        cluster = KubeCluster.start(KubeCluster.Role.SOURCE);
        snapshotter = new KubeVolumeSnapshotter(cluster.client());
    }

    @AfterAll
    static void stop() {
        snapshotter.stop();
        cluster.close();
    }

    @Test
    void aWaitEndsWhenTheSnapshotBecomesReadyAndManyWaitsAtOnceAllSeeTheirOwn() throws Exception {
        int count = 20;
        Map<String, CompletableFuture<Optional<SnapshotState>>> waits = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = "ferry-ready-" + i;
            snapshotter.create(request(name));
            waits.put(name, CompletableFuture.supplyAsync(() -> snapshotter.awaitSettled("shop", name, BOUND)));
        }
        Thread.sleep(300);
        long started = System.nanoTime();
        waits.keySet().forEach(name -> markReady(name));

        for (var wait : waits.entrySet()) {
            Optional<SnapshotState> settled = wait.getValue().get(BOUND.toSeconds() * 2, TimeUnit.SECONDS);
            assertThat(settled).as(wait.getKey()).isPresent();
            assertThat(settled.get().name()).isEqualTo(wait.getKey());
            assertThat(settled.get().readyToUse()).isTrue();
            assertThat(settled.get().contentName()).isEqualTo("content-" + wait.getKey());
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("every wait ended on the change, not at its bound")
                .isLessThan(BOUND.dividedBy(2));
    }

    @Test
    void aWaitForASnapshotThatIsDeletedEndsEmpty() throws Exception {
        snapshotter.create(request("ferry-deleted"));
        CompletableFuture<Optional<SnapshotState>> wait = CompletableFuture.supplyAsync(
                () -> snapshotter.awaitSettled("shop", "ferry-deleted", BOUND));
        Thread.sleep(300);

        assertThat(snapshotter.delete("shop", "ferry-deleted")).isTrue();

        assertThat(wait.get(BOUND.toSeconds() / 2, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aWaitForASnapshotDeletedBeforeTheInformerSawItEndsEmptyAtOnce() {
        snapshotter.create(request("ferry-gone-early"));
        assertThat(snapshotter.delete("shop", "ferry-gone-early")).isTrue();
        long started = System.nanoTime();

        assertThat(snapshotter.awaitSettled("shop", "ferry-gone-early", BOUND)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("ended on the API's answer, not at the bound")
                .isLessThan(BOUND.dividedBy(2));
    }

    @Test
    void aSnapshotAlreadySettledIsReturnedAtOnceAndAnUnsettledOneIsReadAgainAtTheBound() {
        snapshotter.create(request("ferry-early"));
        markReady("ferry-early");
        snapshotter.create(request("ferry-stuck"));

        Optional<SnapshotState> early = snapshotter.awaitSettled("shop", "ferry-early", BOUND);
        long started = System.nanoTime();
        Optional<SnapshotState> stuck = snapshotter.awaitSettled("shop", "ferry-stuck", Duration.ofMillis(500));

        assertThat(early).hasValueSatisfying(s -> assertThat(s.settled()).isTrue());
        assertThat(stuck).hasValueSatisfying(s -> assertThat(s.settled()).isFalse());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    private static SnapshotRequest request(String name) {
        return new SnapshotRequest("shop", name, "orders-db", "csi-azuredisk-vsc",
                Map.of(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE), Map.of());
    }

    /** What the snapshot controller does when the snapshot is cut: bind the content, say ready. */
    private static void markReady(String name) {
        KubernetesClient client = cluster.client();
        GenericKubernetesResource snapshot = client.genericKubernetesResources(KubeVolumeSnapshotter.VOLUME_SNAPSHOTS).inNamespace("shop")
                .withName(name).get();
        snapshot.setAdditionalProperty("status", Map.of("readyToUse", true, "boundVolumeSnapshotContentName", "content-" + name));
        client.genericKubernetesResources(KubeVolumeSnapshotter.VOLUME_SNAPSHOTS).inNamespace("shop").resource(snapshot).updateStatus();
    }
}
