package dev.ferry.restore.kube;

import dev.ferry.restore.DrCluster;
import dev.ferry.restore.RestoredClaim;
import dev.ferry.restore.VolumeRestorer;
import dev.ferry.support.wait.KeyedWaits;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The DR cluster through the fabric8 client; the CSI snapshot resources as generic resources.
 *
 * <p>The phases of restored PVCs are read from one informer over the PVCs Ferry restored (those
 * labelled with a restore id) in every namespace, started on the first look, and waits for a bind
 * are released by it: one watch for every PVC of every restore, instead of a read of each PVC per
 * look and a watch per wait. A PVC the informer has not seen yet is read from the API. If the
 * informer cannot start (no cluster-wide watch), each look reads and each wait watches its one PVC.
 */
@ApplicationScoped
public class KubeDrCluster implements DrCluster {

    private static final Logger LOG = Logger.getLogger(KubeDrCluster.class);
    private static final Duration INFORMER_START_TIMEOUT = Duration.ofSeconds(30);

    static final String SNAPSHOT_API = "snapshot.storage.k8s.io/v1";
    static final String CSI_DRIVER = "disk.csi.azure.com";
    static final ResourceDefinitionContext VOLUME_SNAPSHOTS = new ResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot").withPlural("volumesnapshots")
            .withNamespaced(true).build();
    static final ResourceDefinitionContext VOLUME_SNAPSHOT_CONTENTS = new ResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshotContent")
            .withPlural("volumesnapshotcontents").withNamespaced(false).build();

    private final KubernetesClient client;
    private final KeyedWaits<PersistentVolumeClaim> leftPending = new KeyedWaits<>(claim -> !"Pending".equals(phase(claim)));
    private SharedIndexInformer<PersistentVolumeClaim> restored;
    private boolean informerFailed;

    public KubeDrCluster(KubernetesClient client) {
        this.client = client;
    }

    @PreDestroy
    synchronized void stop() {
        if (restored != null) {
            restored.stop();
        }
    }

    @Override
    public boolean namespaceExists(String namespace) {
        return client.namespaces().withName(namespace).get() != null;
    }

    @Override
    public void createNamespace(String namespace, Map<String, String> labels) {
        createIfAbsent(() -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .withLabels(labels).endMetadata().build()).create());
    }

    @Override
    public Optional<String> storageClassBindingMode(String name) {
        StorageClass storageClass = client.storage().v1().storageClasses().withName(name).get();
        if (storageClass == null) {
            return Optional.empty();
        }
        return Optional.of(storageClass.getVolumeBindingMode() == null ? "Immediate" : storageClass.getVolumeBindingMode());
    }

    @Override
    public Optional<Map<String, String>> claimLabels(String namespace, String name) {
        return claim(namespace, name).map(c -> c.getMetadata().getLabels() == null ? Map.of() : c.getMetadata().getLabels());
    }

    @Override
    public Map<String, Map<String, String>> claimLabelsIn(String namespace) {
        Map<String, Map<String, String>> labels = new HashMap<>();
        for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(namespace).list().getItems()) {
            labels.put(claim.getMetadata().getName(), claim.getMetadata().getLabels() == null ? Map.of() : claim.getMetadata().getLabels());
        }
        return labels;
    }

    @Override
    public Optional<String> claimPhase(String namespace, String name) {
        SharedIndexInformer<PersistentVolumeClaim> informer = informer();
        PersistentVolumeClaim cached = informer == null ? null : informer.getStore().getByKey(namespace + "/" + name);
        return (cached != null ? Optional.of(cached) : claim(namespace, name)).map(KubeDrCluster::phase);
    }

    @Override
    public void awaitClaimLeavesPending(String namespace, String name, Duration atMost) {
        SharedIndexInformer<PersistentVolumeClaim> informer = informer();
        if (informer == null) {
            awaitAlone(namespace, name, atMost);
            return;
        }
        String key = namespace + "/" + name;
        try {
            leftPending.await(key, () -> informer.getStore().getByKey(key), atMost);
        } catch (TimeoutException e) {
            // Still Pending: the caller reads every PVC again and decides.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The informer over restored PVCs, started on the first call; null if it cannot start. */
    private synchronized SharedIndexInformer<PersistentVolumeClaim> informer() {
        if (restored != null || informerFailed) {
            return restored;
        }
        SharedIndexInformer<PersistentVolumeClaim> candidate = client.persistentVolumeClaims().inAnyNamespace()
                .withLabel(VolumeRestorer.RESTORE_ID_LABEL).runnableInformer(0);
        candidate.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(PersistentVolumeClaim claim) {
                leftPending.changed(key(claim), claim);
            }

            @Override
            public void onUpdate(PersistentVolumeClaim before, PersistentVolumeClaim claim) {
                leftPending.changed(key(claim), claim);
            }

            @Override
            public void onDelete(PersistentVolumeClaim claim, boolean finalStateUnknown) {
                leftPending.gone(key(claim));
            }
        });
        try {
            candidate.start().toCompletableFuture().get(INFORMER_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            restored = candidate;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            candidate.stop();
            informerFailed = true;
            LOG.warnf("cannot watch restored PVCs in every namespace (%s); each look reads and each wait watches its one PVC",
                    e instanceof ExecutionException ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            candidate.stop();
            return null;
        }
        return restored;
    }

    private static String key(PersistentVolumeClaim claim) {
        return claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName();
    }

    /** Waits on a watch of the one PVC: without the shared informer. */
    private void awaitAlone(String namespace, String name, Duration atMost) {
        try {
            // fabric8 waits on a watch of the one PVC; the condition sees null once it is gone.
            client.persistentVolumeClaims().inNamespace(namespace).withName(name)
                    .waitUntilCondition(claim -> claim == null || !"Pending".equals(phase(claim)), Math.max(1, atMost.toMillis()),
                            TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            // Still Pending: the caller reads every PVC again and decides.
        }
    }

    private static String phase(PersistentVolumeClaim claim) {
        return claim.getStatus() == null || claim.getStatus().getPhase() == null ? "Pending" : claim.getStatus().getPhase();
    }

    @Override
    public void createSnapshotContent(String name, String snapshotHandle, String snapshotNamespace, String snapshotName,
                                      Map<String, String> labels) {
        GenericKubernetesResource content = new GenericKubernetesResourceBuilder().withApiVersion(SNAPSHOT_API)
                .withKind("VolumeSnapshotContent").withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of(
                        "driver", CSI_DRIVER,
                        // Deleting the restore's objects must never delete the region-B snapshot: the catalog owns it.
                        "deletionPolicy", "Retain",
                        "source", Map.of("snapshotHandle", snapshotHandle),
                        "volumeSnapshotRef", Map.of("name", snapshotName, "namespace", snapshotNamespace))))
                .build();
        createIfAbsent(() -> client.genericKubernetesResources(VOLUME_SNAPSHOT_CONTENTS).resource(content).create());
    }

    @Override
    public void createVolumeSnapshot(String namespace, String name, String contentName, Map<String, String> labels) {
        GenericKubernetesResource snapshot = new GenericKubernetesResourceBuilder().withApiVersion(SNAPSHOT_API)
                .withKind("VolumeSnapshot").withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("source", Map.of("volumeSnapshotContentName", contentName))))
                .build();
        createIfAbsent(() -> client.genericKubernetesResources(VOLUME_SNAPSHOTS).inNamespace(namespace).resource(snapshot).create());
    }

    @Override
    public boolean createClaim(RestoredClaim claim) {
        PersistentVolumeClaim pvc = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(claim.name()).withNamespace(claim.namespace()).withLabels(claim.labels())
                .withAnnotations(claim.annotations()).endMetadata()
                .withNewSpec().withStorageClassName(claim.storageClassName()).withAccessModes(claim.accessModes())
                .withVolumeMode(claim.volumeMode())
                .withNewResources().addToRequests("storage", new Quantity(Long.toString(claim.requestBytes()))).endResources()
                .withNewDataSource().withApiGroup("snapshot.storage.k8s.io").withKind("VolumeSnapshot").withName(claim.snapshotName())
                .endDataSource()
                .endSpec().build();
        return createIfAbsent(() -> client.persistentVolumeClaims().inNamespace(claim.namespace()).resource(pvc).create());
    }

    private Optional<PersistentVolumeClaim> claim(String namespace, String name) {
        return Optional.ofNullable(client.persistentVolumeClaims().inNamespace(namespace).withName(name).get());
    }

    /** Creates an object, true; one that exists already (a second run of the same restore) is left as it is, false. */
    static boolean createIfAbsent(Supplier<? extends HasMetadata> create) {
        try {
            create.get();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            return false;
        }
    }
}
