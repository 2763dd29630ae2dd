package dev.ferry.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.models.Snapshot;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.localcloud.azure.AzureFake;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.SparseContent;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * All stand-ins together, driven by hand through the production SDKs along Ferry's seed path:
 * a PVC on the source cluster, a CSI snapshot, a SAS, Put Page From URL into region B's staging
 * account through the storage front, an Import in region B, and a PVC restored from it on the DR
 * cluster with the same bytes.
 */
class LocalCloudIT {

    private static final long GIB = 1L << 30;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static LocalCloud cloud;
    private static long startMillis;

    @BeforeAll
    static void start() {
        long started = System.nanoTime();
        cloud = LocalCloud.start();
        startMillis = (System.nanoTime() - started) / 1_000_000;
        cloud.azure().tls().trustInThisJvm();
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void printsEveryEndpointAndNoSecret() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LocalCloudMain.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), cloud, startMillis);
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(printed).contains("AZURE_ENDPOINT=https://127.0.0.1:", "AZURE_TRUST_STORE=", "SOURCE_KUBECONFIG=",
                "DR_KUBECONFIG=", "DR_STAGING_BLOB_ENDPOINT=http://127.0.0.1:", "LOCAL_CLOUD_READY");
        assertThat(printed).doesNotContain(AzureFake.CLIENT_SECRET)
                .doesNotContain(cloud.azurite().account(LocalCloud.DR_STAGING_ACCOUNT).key());
        System.out.println("local cloud started in " + startMillis + " ms");
    }

    @Test
    void aVolumeTravelsFromTheSourceClusterToARestoredPvcOnTheDrCluster() {
        KubernetesClient source = cloud.sourceCluster().client();
        source.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata().withName("shop").endMetadata().build()).create();
        PersistentVolumeClaim claim = source.persistentVolumeClaims().inNamespace("shop").resource(pvc("orders", null)).create();
        claim = await(() -> source.persistentVolumeClaims().inNamespace("shop").withName("orders").get(), LocalCloudIT::bound);
        String diskId = source.persistentVolumes().withName(claim.getSpec().getVolumeName()).get().getSpec().getCsi().getVolumeHandle();
        byte[] data = new byte[3 * 1024 * 1024];
        new Random(11).nextBytes(data);
        cloud.azure().compute().disk(ResourceKey.parse(diskId)).orElseThrow().content().write(64L << 20, data);

        source.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("shop").resource(volumeSnapshot()).create();
        GenericKubernetesResource ready = await(() -> source.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS)
                .inNamespace("shop").withName("orders-snap").get(), s -> Boolean.TRUE.equals(status(s).get("readyToUse")));
        String contentName = (String) status(ready).get("boundVolumeSnapshotContentName");
        GenericKubernetesResource content = source.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).withName(contentName).get();
        String snapshotId = (String) status(content).get("snapshotHandle");

        ComputeManager compute = FakeAzureClients.computeManager(cloud.azure().endpoint());
        Snapshot sourceSnapshot = compute.snapshots().getById(snapshotId);
        String sas = sourceSnapshot.grantAccess(3600);
        String vhdUrl;
        try {
            vhdUrl = copyAsVhd(sas, sourceSnapshot.innerModel().diskSizeBytes());
        } finally {
            sourceSnapshot.revokeAccess();
        }
        Snapshot imported = compute.snapshots().define("ferry-orders").withRegion(LocalCloud.DR_REGION)
                .withExistingResourceGroup(LocalCloud.DR_GROUP).withDataFromVhd(vhdUrl, cloud.drStagingAccount().id()).create();

        KubernetesClient dr = cloud.drCluster().client();
        dr.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata().withName("shop").endMetadata().build()).create();
        dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).resource(staticContent(imported.id())).create();
        dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("shop").resource(boundSnapshot()).create();
        dr.persistentVolumeClaims().inNamespace("shop").resource(pvc("orders", "orders-restored")).create();
        PersistentVolumeClaim restored = await(() -> dr.persistentVolumeClaims().inNamespace("shop").withName("orders").get(),
                LocalCloudIT::bound);
        String restoredDisk = dr.persistentVolumes().withName(restored.getSpec().getVolumeName()).get().getSpec().getCsi().getVolumeHandle();

        SparseContent restoredContent = cloud.azure().compute().disk(ResourceKey.parse(restoredDisk)).orElseThrow().content();
        assertThat(ResourceKey.parse(restoredDisk).resourceGroup()).isEqualTo(LocalCloud.DR_NODE_GROUP);
        assertThat(restoredContent.read(64L << 20, data.length)).isEqualTo(data);
        assertThat(restoredContent.writtenBytes()).isEqualTo(data.length);
    }

    private static boolean bound(PersistentVolumeClaim claim) {
        return claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase());
    }

    /**
     * Reads an object until it meets a condition. A fresh read each time: the mock does not replay
     * a change made between a watch's list and its start.
     */
    private static <T> T await(java.util.function.Supplier<T> read, java.util.function.Predicate<T> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T value = read.get();
        while ((value == null || !condition.test(value)) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            value = read.get();
        }
        assertThat(value).as("awaited object").isNotNull().matches(condition);
        return value;
    }

    /** Copies the snapshot's written ranges and its footer into a page blob in region B, with Put Page From URL. */
    private static String copyAsVhd(String sas, long diskBytes) {
        PageBlobClient source = new BlobClientBuilder().endpoint(sas).buildClient().getPageBlobClient();
        var container = new BlobServiceClientBuilder()
                .connectionString(cloud.storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT)).buildClient()
                .getBlobContainerClient("vhds");
        if (!container.exists()) {
            container.create();
        }
        PageBlobClient target = container.getBlobClient("orders.vhd").getPageBlobClient();
        target.create(diskBytes + 512, true);
        for (PageRange range : source.getPageRanges(new BlobRange(0, diskBytes + 512)).getPageRange()) {
            for (long start = range.getStart(); start <= range.getEnd(); start += 4L << 20) {
                long end = Math.min(range.getEnd(), start + (4L << 20) - 1);
                target.uploadPagesFromUrl(new PageRange().setStart(start).setEnd(end), sas, start);
            }
        }
        return target.getBlobUrl();
    }

    private static PersistentVolumeClaim pvc(String name, String fromSnapshot) {
        PersistentVolumeClaimBuilder builder = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withNewSpec().withStorageClassName(LocalCloud.STORAGE_CLASS).withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec();
        if (fromSnapshot != null) {
            builder.editSpec().withNewDataSource().withApiGroup(KubeCluster.SNAPSHOT_GROUP).withKind("VolumeSnapshot")
                    .withName(fromSnapshot).endDataSource().endSpec();
        }
        return builder.build();
    }

    private static GenericKubernetesResource volumeSnapshot() {
        return new GenericKubernetesResourceBuilder().withApiVersion(KubeCluster.SNAPSHOT_GROUP + "/v1").withKind("VolumeSnapshot")
                .withNewMetadata().withName("orders-snap").withNamespace("shop").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("volumeSnapshotClassName", LocalCloud.SNAPSHOT_CLASS,
                        "source", Map.of("persistentVolumeClaimName", "orders"))))
                .build();
    }

    private static GenericKubernetesResource staticContent(String snapshotId) {
        return new GenericKubernetesResourceBuilder().withApiVersion(KubeCluster.SNAPSHOT_GROUP + "/v1").withKind("VolumeSnapshotContent")
                .withNewMetadata().withName("orders-restored-content").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("driver", "disk.csi.azure.com", "deletionPolicy", "Retain",
                        "source", Map.of("snapshotHandle", snapshotId),
                        "volumeSnapshotRef", Map.of("name", "orders-restored", "namespace", "shop"))))
                .build();
    }

    private static GenericKubernetesResource boundSnapshot() {
        return new GenericKubernetesResourceBuilder().withApiVersion(KubeCluster.SNAPSHOT_GROUP + "/v1").withKind("VolumeSnapshot")
                .withNewMetadata().withName("orders-restored").withNamespace("shop").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("source", Map.of("volumeSnapshotContentName", "orders-restored-content"))))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource resource) {
        Object status = resource.getAdditionalProperties().get("status");
        return status instanceof Map ? (Map<String, Object>) status : Map.of();
    }
}
