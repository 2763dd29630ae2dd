package dev.ferry.localcloud.csi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.Disk;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CsiSimulatorIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final String SUBSCRIPTION = "00000000-0000-0000-0000-00000000f001";
    private static final String SOURCE_GROUP = "MC_ferry_source_eastus";
    private static final String DR_GROUP = "MC_ferry_dr_westus";
    private static final String SNAPSHOT_API_VERSION = KubeCluster.SNAPSHOT_GROUP + "/v1";
    private static final String DISK_CLASS = "managed-csi";
    private static final String SNAPSHOT_CLASS = "csi-azuredisk-vsc";
    private static final long GIB = 1L << 30;

    private static ComputeState state;
    private static KubeCluster source;
    private static KubeCluster dr;
    private static CsiSimulator sourceSimulator;
    private static CsiSimulator drSimulator;

    @BeforeAll
    static void start() {
        state = new ComputeState(Clock.systemUTC(), (account, url) -> {
            throw new UnsupportedOperationException();
        });
        state.createResourceGroup(SUBSCRIPTION, SOURCE_GROUP, "eastus");
        state.createResourceGroup(SUBSCRIPTION, DR_GROUP, "westus");
        source = KubeCluster.start(KubeCluster.Role.SOURCE);
        dr = KubeCluster.start(KubeCluster.Role.DR);
        for (KubeCluster cluster : List.of(source, dr)) {
            installClasses(cluster.client());
        }
        sourceSimulator = CsiSimulator.start(source, state, SUBSCRIPTION, SOURCE_GROUP, "eastus");
        drSimulator = CsiSimulator.builder(dr, state).subscriptionId(SUBSCRIPTION).resourceGroup(DR_GROUP)
                .region("westus").resyncPeriod(Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : Arrays.asList(sourceSimulator, drSimulator, source, dr)) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // Closing the rest matters more than this failure.
                }
            }
        }
    }

    @Test
    void claimOfTheDriversClassGetsARoundedUpDiskAndIsBound() {
        KubernetesClient client = source.client();
        namespace(client, "shop");
        // Created first, so the single worker has looked at it by the time the second claim is bound.
        client.persistentVolumeClaims().inNamespace("shop").resource(claim("shop", "other", "1Gi", "other-class", null))
                .create();
        PersistentVolumeClaim created = client.persistentVolumeClaims().inNamespace("shop")
                .resource(claim("shop", "data-db-0", "1500Mi", DISK_CLASS, null)).create();

        PersistentVolumeClaim bound = awaitBound(client, "shop", "data-db-0");

        String pvName = "pvc-" + created.getMetadata().getUid();
        assertThat(bound.getSpec().getVolumeName()).isEqualTo(pvName);
        assertThat(bound.getStatus().getCapacity()).containsEntry("storage", new Quantity("2Gi"));
        assertThat(bound.getStatus().getAccessModes()).containsExactly("ReadWriteOnce");
        PersistentVolume pv = client.persistentVolumes().withName(pvName).get();
        assertThat(pv.getStatus().getPhase()).isEqualTo("Bound");
        assertThat(pv.getSpec().getCsi().getDriver()).isEqualTo("disk.csi.azure.com");
        assertThat(pv.getSpec().getCapacity()).containsEntry("storage", new Quantity("2Gi"));
        assertThat(pv.getSpec().getStorageClassName()).isEqualTo(DISK_CLASS);
        assertThat(pv.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
        assertThat(pv.getSpec().getVolumeMode()).isEqualTo("Filesystem");
        assertThat(pv.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(pv.getSpec().getClaimRef().getUid()).isEqualTo(created.getMetadata().getUid());
        Disk disk = state.disk(ResourceKey.parse(pv.getSpec().getCsi().getVolumeHandle())).orElseThrow();
        assertThat(disk.key()).isEqualTo(ResourceKey.disk(SUBSCRIPTION, SOURCE_GROUP, pvName));
        assertThat(disk.sizeBytes()).isEqualTo(2 * GIB);
        assertThat(disk.region()).isEqualTo("eastus");
        assertThat(disk.sku()).isEqualTo("Premium_LRS");
        assertThat(disk.provisioningState()).isEqualTo("Succeeded");
        assertThat(disk.tags()).containsEntry("kubernetes.io-created-for-pvc-name", "data-db-0");

        PersistentVolumeClaim other = client.persistentVolumeClaims().inNamespace("shop").withName("other").get();
        assertThat(other.getSpec().getVolumeName()).isNull();
        assertThat(other.getStatus().getPhase()).isEqualTo("Pending");

        // Reclaim policy Delete: the disk goes, then the PV.
        client.persistentVolumeClaims().inNamespace("shop").withName("data-db-0").delete();
        await(client.persistentVolumes().withName(pvName), Objects::isNull);
        assertThat(state.disk(disk.key())).isEmpty();
    }

    @Test
    void snapshotHoldsTheDiskBytesOfItsMomentAndRestoresOnTheSameCluster() {
        KubernetesClient client = source.client();
        namespace(client, "orders");
        client.persistentVolumeClaims().inNamespace("orders").resource(claim("orders", "data", "1Gi", DISK_CLASS, null))
                .create();
        Disk disk = diskOf(client, awaitBound(client, "orders", "data"));
        byte[] first = pattern(1, 4096);
        disk.content().write(0, first);
        disk.content().write(GIB - 512, pattern(2, 512));

        GenericKubernetesResource snapshot = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS)
                .inNamespace("orders").resource(volumeSnapshot("orders", "snap-1", SNAPSHOT_CLASS, "data")).create();
        GenericKubernetesResource ready = awaitReady(client, "orders", "snap-1");

        String contentName = "snapcontent-" + snapshot.getMetadata().getUid();
        assertThat(ready.<String>get("status", "boundVolumeSnapshotContentName")).isEqualTo(contentName);
        assertThat(ready.<String>get("status", "restoreSize")).isEqualTo("1Gi");
        assertThat(ready.<String>get("status", "creationTime")).isNotBlank();
        GenericKubernetesResource content = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withName(contentName).get();
        assertThat(content.<String>get("spec", "driver")).isEqualTo("disk.csi.azure.com");
        assertThat(content.<String>get("spec", "deletionPolicy")).isEqualTo("Delete");
        assertThat(content.<String>get("spec", "source", "volumeHandle")).isEqualTo(disk.id());
        assertThat(content.<String>get("spec", "volumeSnapshotRef", "uid")).isEqualTo(snapshot.getMetadata().getUid());
        assertThat(content.<String>get("spec", "volumeSnapshotClassName")).isEqualTo(SNAPSHOT_CLASS);
        assertThat(content.<Boolean>get("status", "readyToUse")).isTrue();
        assertThat(((Number) content.get("status", "restoreSize")).longValue()).isEqualTo(GIB);
        assertThat(((Number) content.get("status", "creationTime")).longValue()).isPositive();
        Snapshot azure = state.snapshot(ResourceKey.parse(content.get("status", "snapshotHandle"))).orElseThrow();
        assertThat(azure.key()).isEqualTo(ResourceKey.snapshot(SUBSCRIPTION, SOURCE_GROUP,
                "snapshot-" + snapshot.getMetadata().getUid()));
        assertThat(azure.incremental()).isTrue();
        assertThat(azure.region()).isEqualTo("eastus");
        assertThat(azure.sourceResourceId()).isEqualTo(disk.id());
        assertThat(azure.tags()).containsEntry("kubernetes.io-created-for-volumesnapshot-name", "snap-1");

        // The application goes on writing; the snapshot keeps the bytes of its moment.
        disk.content().write(0, pattern(3, 4096));
        assertThat(azure.content().read(0, 4096)).isEqualTo(first);
        assertThat(azure.content().read(GIB - 512, 512)).isEqualTo(pattern(2, 512));

        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("orders")
                .resource(volumeSnapshot("orders", "snap-2", SNAPSHOT_CLASS, "data")).create();
        Snapshot second = azureSnapshotOf(client, awaitReady(client, "orders", "snap-2"));
        assertThat(second.id()).isNotEqualTo(azure.id());
        assertThat(second.familyId()).isNotNull().isEqualTo(azure.familyId());
        assertThat(second.content().read(0, 4096)).isEqualTo(pattern(3, 4096));

        client.persistentVolumeClaims().inNamespace("orders")
                .resource(claim("orders", "restored", "1Gi", DISK_CLASS, "snap-1")).create();
        Disk restored = diskOf(client, awaitBound(client, "orders", "restored"));
        assertThat(restored.createOption()).isEqualTo("Copy");
        assertThat(restored.sourceResourceId()).isEqualTo(azure.id());
        assertThat(restored.content().read(0, 4096)).isEqualTo(first);
        assertThat(restored.content().read(GIB - 512, 512)).isEqualTo(pattern(2, 512));

        // Deletion policy Delete: the content and then the Azure snapshot go with the VolumeSnapshot.
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("orders").withName("snap-1")
                .delete();
        await(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).withName(contentName),
                Objects::isNull);
        assertThat(state.snapshot(azure.key())).isEmpty();
        assertThat(state.snapshot(second.key())).isPresent();
    }

    @Test
    void snapshotWaitsForItsClaimAndReportsWhy() {
        KubernetesClient client = source.client();
        namespace(client, "late");
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("late")
                .resource(volumeSnapshot("late", "early-snap", SNAPSHOT_CLASS, "not-yet")).create();
        GenericKubernetesResource failed = awaitError(client, "late", "early-snap");
        assertThat(failed.<String>get("status", "error", "message")).contains("not-yet");
        assertThat(failed.<String>get("status", "error", "time")).isNotBlank();
        assertThat(failed.<Boolean>get("status", "readyToUse")).isFalse();

        client.persistentVolumeClaims().inNamespace("late").resource(claim("late", "not-yet", "1Gi", DISK_CLASS, null))
                .create();
        GenericKubernetesResource ready = awaitReady(client, "late", "early-snap");
        assertThat(ready.<Object>get("status", "error")).isNull();
    }

    @Test
    void aClaimAnnotatedForFaultsGetsSnapshotsThatFailOrNeverBecomeReady() {
        KubernetesClient client = source.client();
        namespace(client, "faulty");
        for (String fault : List.of("fail", "never-ready")) {
            PersistentVolumeClaim claim = claim("faulty", fault, "1Gi", DISK_CLASS, null);
            claim.getMetadata().setAnnotations(Map.of(CsiSimulator.SNAPSHOT_FAULT_ANNOTATION, fault));
            client.persistentVolumeClaims().inNamespace("faulty").resource(claim).create();
            awaitBound(client, "faulty", fault);
            client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("faulty")
                    .resource(volumeSnapshot("faulty", fault + "-snap", SNAPSHOT_CLASS, fault)).create();
        }
        client.persistentVolumeClaims().inNamespace("faulty").resource(claim("faulty", "healthy", "1Gi", DISK_CLASS, null))
                .create();
        awaitBound(client, "faulty", "healthy");
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("faulty")
                .resource(volumeSnapshot("faulty", "healthy-snap", SNAPSHOT_CLASS, "healthy")).create();

        GenericKubernetesResource failed = awaitError(client, "faulty", "fail-snap");
        assertThat(failed.<String>get("status", "error", "message")).contains("injected failure");
        assertThat(failed.<Boolean>get("status", "readyToUse")).isFalse();
        // The work queue is single-threaded and FIFO: once the later healthy snapshot is ready, the stalled one was seen.
        awaitReady(client, "faulty", "healthy-snap");
        GenericKubernetesResource stalled = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS)
                .inNamespace("faulty").withName("never-ready-snap").get();
        assertThat(stalled.<Object>get("status")).isNull();
        assertThat(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withName("snapcontent-" + stalled.getMetadata().getUid()).get()).isNull();
    }

    @Test
    void snapshotOfAnotherDriversClassGetsAnErrorAndNoContent() {
        KubernetesClient client = source.client();
        namespace(client, "foreign");
        client.persistentVolumeClaims().inNamespace("foreign")
                .resource(claim("foreign", "data", "1Gi", DISK_CLASS, null)).create();
        awaitBound(client, "foreign", "data");
        GenericKubernetesResource snapshot = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS)
                .inNamespace("foreign").resource(volumeSnapshot("foreign", "snap", "ebs-vsc", "data")).create();
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("foreign")
                .resource(volumeSnapshot("foreign", "no-class", "missing-vsc", "data")).create();

        GenericKubernetesResource failed = awaitError(client, "foreign", "snap");
        assertThat(failed.<String>get("status", "error", "message")).contains("ebs.csi.aws.com");
        assertThat(failed.<Boolean>get("status", "readyToUse")).isFalse();
        assertThat(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withName("snapcontent-" + snapshot.getMetadata().getUid()).get()).isNull();
        assertThat(awaitError(client, "foreign", "no-class").<String>get("status", "error", "message"))
                .contains("\"missing-vsc\" not found");
    }

    @Test
    void drClusterRestoresFromAPreProvisionedSnapshotInItsRegion() {
        Disk seed = state.createEmptyDisk(ResourceKey.disk(SUBSCRIPTION, DR_GROUP, "seed-westus"), "westus", GIB,
                Map.of());
        byte[] data = pattern(7, 8192);
        seed.content().write(64 * 1024, data);
        Snapshot regional = state.copyDisk(ResourceKey.snapshot(SUBSCRIPTION, DR_GROUP, "restore-point-1-data"),
                "westus", seed.id(), true, Map.of(), "Standard_LRS");
        state.provisioned(regional);
        KubernetesClient client = dr.client();
        namespace(client, "shop");
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .resource(staticContent("ferry-rp1-data", regional.id(), "shop", "rp1-data")).create();
        GenericKubernetesResource snapshot = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS)
                .inNamespace("shop").resource(staticSnapshot("shop", "rp1-data", "ferry-rp1-data")).create();
        client.persistentVolumeClaims().inNamespace("shop").resource(claim("shop", "data", "1Gi", DISK_CLASS, "rp1-data"))
                .create();

        Disk restored = diskOf(client, awaitBound(client, "shop", "data"));

        assertThat(restored.region()).isEqualTo("westus");
        assertThat(restored.key().resourceGroup()).isEqualTo(DR_GROUP);
        assertThat(restored.sourceResourceId()).isEqualTo(regional.id());
        assertThat(restored.content().read(64 * 1024, data.length)).isEqualTo(data);
        GenericKubernetesResource ready = awaitReady(client, "shop", "rp1-data");
        assertThat(ready.<String>get("status", "boundVolumeSnapshotContentName")).isEqualTo("ferry-rp1-data");
        assertThat(ready.<String>get("status", "restoreSize")).isEqualTo("1Gi");
        GenericKubernetesResource content = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withName("ferry-rp1-data").get();
        assertThat(content.<String>get("status", "snapshotHandle")).isEqualTo(regional.id());
        assertThat(content.<String>get("spec", "volumeSnapshotRef", "uid")).isEqualTo(snapshot.getMetadata().getUid());
        // The source cluster's simulator never saw these objects.
        assertThat(source.client().persistentVolumes().withName(restored.key().name()).get()).isNull();
    }

    @Test
    void drClusterCannotRestoreFromASnapshotInAnotherRegion() {
        Disk eastDisk = state.createEmptyDisk(ResourceKey.disk(SUBSCRIPTION, SOURCE_GROUP, "seed-eastus"), "eastus",
                GIB, Map.of());
        eastDisk.content().write(0, pattern(9, 512));
        Snapshot east = state.copyDisk(ResourceKey.snapshot(SUBSCRIPTION, SOURCE_GROUP, "still-in-eastus"), "eastus",
                eastDisk.id(), true, Map.of(), "Standard_LRS");
        state.provisioned(east);
        KubernetesClient client = dr.client();
        namespace(client, "wrong-region");
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .resource(staticContent("ferry-east", east.id(), "wrong-region", "east-data")).create();
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("wrong-region")
                .resource(staticSnapshot("wrong-region", "east-data", "ferry-east")).create();
        awaitReady(client, "wrong-region", "east-data");
        PersistentVolumeClaim created = client.persistentVolumeClaims().inNamespace("wrong-region")
                .resource(claim("wrong-region", "data", "1Gi", DISK_CLASS, "east-data")).create();

        Predicate<Event> provisioningFailed = e -> "ProvisioningFailed".equals(e.getReason())
                && "Warning".equals(e.getType())
                && created.getMetadata().getUid().equals(e.getInvolvedObject().getUid())
                && e.getMessage().contains("same region");
        List<Event> events = awaitEvents(client, "wrong-region", provisioningFailed);

        assertThat(events.stream().filter(provisioningFailed).findFirst().orElseThrow().getMessage())
                .contains(east.id()).contains("westus");
        PersistentVolumeClaim pending = client.persistentVolumeClaims().inNamespace("wrong-region").withName("data")
                .get();
        assertThat(pending.getSpec().getVolumeName()).isNull();
        assertThat(state.disk(ResourceKey.disk(SUBSCRIPTION, DR_GROUP, "pvc-" + created.getMetadata().getUid())))
                .isEmpty();
    }

    @Test
    void drClusterWaitsForACrossRegionCopyToComplete() {
        Disk eastDisk = state.createEmptyDisk(ResourceKey.disk(SUBSCRIPTION, SOURCE_GROUP, "copied-eastus"), "eastus",
                GIB, Map.of());
        byte[] data = pattern(11, 1024);
        eastDisk.content().write(GIB / 2, data);
        Snapshot east = state.copyDisk(ResourceKey.snapshot(SUBSCRIPTION, SOURCE_GROUP, "copied-eastus-1"), "eastus",
                eastDisk.id(), true, Map.of(), "Standard_LRS");
        state.provisioned(east);
        Snapshot west = state.copyStart(ResourceKey.snapshot(SUBSCRIPTION, DR_GROUP, "copied-westus-1"), "westus",
                east.id(), Map.of(), "Standard_LRS");
        KubernetesClient client = dr.client();
        namespace(client, "copying");
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .resource(staticContent("ferry-copying", west.id(), "copying", "rp")).create();
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("copying")
                .resource(staticSnapshot("copying", "rp", "ferry-copying")).create();
        client.persistentVolumeClaims().inNamespace("copying").resource(claim("copying", "data", "1Gi", DISK_CLASS, "rp"))
                .create();
        GenericKubernetesResource waiting = await(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS)
                .inNamespace("copying").withName("rp"),
                s -> s != null && "ferry-copying".equals(s.get("status", "boundVolumeSnapshotContentName")));
        assertThat(waiting.<Boolean>get("status", "readyToUse")).isFalse();
        assertThat(client.persistentVolumeClaims().inNamespace("copying").withName("data").get().getSpec()
                .getVolumeName()).isNull();

        // Azure raises no Kubernetes event when the copy completes: the resync finds it.
        assertThat(state.advanceCopy(west, Long.MAX_VALUE)).isTrue();
        Disk restored = diskOf(client, awaitBound(client, "copying", "data"));

        assertThat(restored.region()).isEqualTo("westus");
        assertThat(restored.content().read(GIB / 2, data.length)).isEqualTo(data);
        assertThat(awaitReady(client, "copying", "rp").<String>get("status", "restoreSize")).isEqualTo("1Gi");
    }

    @Test
    void deletionRefusedByAzureIsRetriedWhileOtherWorkGoesOn() {
        KubernetesClient client = source.client();
        namespace(client, "granted");
        client.persistentVolumeClaims().inNamespace("granted")
                .resource(claim("granted", "data", "1Gi", DISK_CLASS, null)).create();
        awaitBound(client, "granted", "data");
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("granted")
                .resource(volumeSnapshot("granted", "snap", SNAPSHOT_CLASS, "data")).create();
        GenericKubernetesResource ready = awaitReady(client, "granted", "snap");
        String contentName = ready.get("status", "boundVolumeSnapshotContentName");
        Snapshot azure = azureSnapshotOf(client, ready);
        // An export holds a SAS on the snapshot: Azure refuses to delete it until the access ends.
        state.grantAccess(azure.key(), Duration.ofHours(1));

        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("granted").withName("snap")
                .delete();
        client.persistentVolumeClaims().inNamespace("granted")
                .resource(claim("granted", "meanwhile", "1Gi", DISK_CLASS, null)).create();
        awaitBound(client, "granted", "meanwhile");
        assertThat(state.snapshot(azure.key())).isPresent();
        assertThat(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).withName(contentName).get())
                .isNotNull();

        state.revokeAccess(azure.key());
        await(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).withName(contentName),
                Objects::isNull);
        assertThat(state.snapshot(azure.key())).isEmpty();
    }

    @Test
    void aRestartedSimulatorMakesNothingTwice() {
        KubernetesClient client = dr.client();
        namespace(client, "restart");
        client.persistentVolumeClaims().inNamespace("restart").resource(claim("restart", "a", "1Gi", DISK_CLASS, null))
                .create();
        awaitBound(client, "restart", "a");
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace("restart")
                .resource(volumeSnapshot("restart", "snap-a", SNAPSHOT_CLASS, "a")).create();
        awaitReady(client, "restart", "snap-a");
        int disks = state.disks(SUBSCRIPTION, DR_GROUP).size();
        int snapshots = state.snapshots(SUBSCRIPTION, DR_GROUP).size();
        int volumes = client.persistentVolumes().list().getItems().size();
        int contents = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).list().getItems().size();

        drSimulator.close();
        drSimulator = CsiSimulator.start(dr, state, SUBSCRIPTION, DR_GROUP, "westus");
        // The restarted simulator lists every object first; one worker takes them in order, so once this claim
        // is bound, the old ones have been looked at again.
        client.persistentVolumeClaims().inNamespace("restart").resource(claim("restart", "b", "1Gi", DISK_CLASS, null))
                .create();
        awaitBound(client, "restart", "b");

        assertThat(state.disks(SUBSCRIPTION, DR_GROUP)).hasSize(disks + 1);
        assertThat(state.snapshots(SUBSCRIPTION, DR_GROUP)).hasSize(snapshots);
        assertThat(client.persistentVolumes().list().getItems()).hasSize(volumes + 1);
        assertThat(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).list().getItems())
                .hasSize(contents);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void installClasses(KubernetesClient client) {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata().withName(DISK_CLASS).endMetadata()
                .withProvisioner("disk.csi.azure.com")
                .withReclaimPolicy("Delete")
                .withVolumeBindingMode("WaitForFirstConsumer")
                .withAllowVolumeExpansion(true)
                .addToParameters("skuName", "Premium_LRS")
                .build()).create();
        client.storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata().withName("other-class").endMetadata()
                .withProvisioner("kubernetes.io/no-provisioner")
                .build()).create();
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CLASSES).resource(snapshotClass(SNAPSHOT_CLASS,
                "disk.csi.azure.com")).create();
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CLASSES).resource(snapshotClass("ebs-vsc",
                "ebs.csi.aws.com")).create();
    }

    private static GenericKubernetesResource snapshotClass(String name, String driver) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(SNAPSHOT_API_VERSION)
                .withKind("VolumeSnapshotClass")
                .withNewMetadata().withName(name).endMetadata()
                .addToAdditionalProperties("driver", driver)
                .addToAdditionalProperties("deletionPolicy", "Delete")
                .addToAdditionalProperties("parameters", Map.of("incremental", "true"))
                .build();
    }

    private static void namespace(KubernetesClient client, String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
    }

    private static PersistentVolumeClaim claim(String namespace, String name, String size, String storageClass,
                                               String fromSnapshot) {
        PersistentVolumeClaimBuilder builder = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(storageClass)
                .withNewResources().addToRequests("storage", new Quantity(size)).endResources()
                .endSpec();
        if (fromSnapshot != null) {
            builder.editSpec()
                    .withNewDataSource().withApiGroup(KubeCluster.SNAPSHOT_GROUP).withKind("VolumeSnapshot")
                    .withName(fromSnapshot).endDataSource()
                    .withNewDataSourceRef().withApiGroup(KubeCluster.SNAPSHOT_GROUP).withKind("VolumeSnapshot")
                    .withName(fromSnapshot).endDataSourceRef()
                    .endSpec();
        }
        return builder.build();
    }

    private static GenericKubernetesResource volumeSnapshot(String namespace, String name, String snapshotClass,
                                                            String claim) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(SNAPSHOT_API_VERSION)
                .withKind("VolumeSnapshot")
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "volumeSnapshotClassName", snapshotClass,
                        "source", Map.of("persistentVolumeClaimName", claim)))
                .build();
    }

    private static GenericKubernetesResource staticSnapshot(String namespace, String name, String contentName) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(SNAPSHOT_API_VERSION)
                .withKind("VolumeSnapshot")
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "volumeSnapshotClassName", SNAPSHOT_CLASS,
                        "source", Map.of("volumeSnapshotContentName", contentName)))
                .build();
    }

    private static GenericKubernetesResource staticContent(String name, String snapshotHandle, String namespace,
                                                           String snapshotName) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(SNAPSHOT_API_VERSION)
                .withKind("VolumeSnapshotContent")
                .withNewMetadata().withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "driver", "disk.csi.azure.com",
                        // Retain: deleting the restore's VolumeSnapshot must not delete the DR copy.
                        "deletionPolicy", "Retain",
                        "source", Map.of("snapshotHandle", snapshotHandle),
                        "volumeSnapshotClassName", SNAPSHOT_CLASS,
                        "volumeSnapshotRef", Map.of("namespace", namespace, "name", snapshotName)))
                .build();
    }

    private static PersistentVolumeClaim awaitBound(KubernetesClient client, String namespace, String name) {
        return await(client.persistentVolumeClaims().inNamespace(namespace).withName(name),
                c -> c != null && c.getStatus() != null && "Bound".equals(c.getStatus().getPhase()));
    }

    private static GenericKubernetesResource awaitReady(KubernetesClient client, String namespace, String name) {
        return await(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace(namespace)
                .withName(name), s -> s != null && Boolean.TRUE.equals(s.get("status", "readyToUse")));
    }

    private static GenericKubernetesResource awaitError(KubernetesClient client, String namespace, String name) {
        return await(client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace(namespace)
                .withName(name), s -> s != null && s.get("status", "error", "message") != null);
    }

    /**
     * Waits until the object meets the condition, by deadline. The mock does not replay a change made between the
     * list and the watch of {@code waitUntilCondition}, so each short wait starts over with a fresh list.
     */
    private static <T> T await(Resource<T> resource, Predicate<T> condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return resource.waitUntilCondition(condition, POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (KubernetesClientTimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("Condition not met within " + TIMEOUT + "; last seen: " + resource.get(),
                            e);
                }
            }
        }
    }

    private static List<Event> awaitEvents(KubernetesClient client, String namespace, Predicate<Event> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            CompletableFuture<List<Event>> found = client.v1().events().inNamespace(namespace)
                    .informOnCondition(list -> list.stream().anyMatch(wanted));
            try {
                return found.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Cancelling stops the informer behind the future.
                found.cancel(true);
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("No matching event within " + TIMEOUT + " in " + namespace, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
        }
    }

    private static Disk diskOf(KubernetesClient client, PersistentVolumeClaim bound) {
        PersistentVolume pv = client.persistentVolumes().withName(bound.getSpec().getVolumeName()).get();
        return state.disk(ResourceKey.parse(pv.getSpec().getCsi().getVolumeHandle())).orElseThrow();
    }

    private static Snapshot azureSnapshotOf(KubernetesClient client, GenericKubernetesResource snapshot) {
        GenericKubernetesResource content = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withName(snapshot.get("status", "boundVolumeSnapshotContentName")).get();
        return state.snapshot(ResourceKey.parse(content.get("status", "snapshotHandle"))).orElseThrow();
    }

    /** Whole 512-byte pages of recognisable bytes. */
    private static byte[] pattern(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7);
        }
        return bytes;
    }
}
