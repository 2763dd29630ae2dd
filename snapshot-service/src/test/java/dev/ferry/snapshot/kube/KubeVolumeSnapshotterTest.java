package dev.ferry.snapshot.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A VolumeSnapshot resource as the backup sees it. */
class KubeVolumeSnapshotterTest {

    @Test
    void aVolumeSnapshotWithADeletionTimestampIsTerminatingThoughReady() {
        SnapshotState deleting = KubeVolumeSnapshotter.state(snapshot("2026-03-01T02:05:00Z"));
        SnapshotState live = KubeVolumeSnapshotter.state(snapshot(null));

        assertThat(deleting.readyToUse()).isTrue();
        assertThat(deleting.terminating()).isTrue();
        assertThat(live.terminating()).isFalse();
        assertThat(live.contentName()).isEqualTo("snapcontent-1");
    }

    private static GenericKubernetesResource snapshot(String deletionTimestamp) {
        return new GenericKubernetesResourceBuilder().withApiVersion(KubeVolumeSnapshotter.API_VERSION).withKind("VolumeSnapshot")
                .withNewMetadata().withName("ferry-b-1").withNamespace("shop").withDeletionTimestamp(deletionTimestamp)
                .addToFinalizers("snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection").endMetadata()
                .addToAdditionalProperties("spec", Map.of("source", Map.of("persistentVolumeClaimName", "orders-db")))
                .addToAdditionalProperties("status", Map.of("readyToUse", true, "boundVolumeSnapshotContentName", "snapcontent-1",
                        "creationTime", "2026-03-01T02:00:00Z"))
                .build();
    }
}
