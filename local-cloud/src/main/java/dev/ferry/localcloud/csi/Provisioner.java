package dev.ferry.localcloud.csi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import dev.ferry.localcloud.azure.compute.ArmError;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.Disk;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the external-provisioner, the PV controller and the Azure disk driver do for a claim: a managed disk
 * (empty, or from the Azure snapshot behind a VolumeSnapshot), a PersistentVolume on it, and the two bound.
 */
final class Provisioner {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
    static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
    private static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
    // The Azure disk driver's default SKU when the class names none.
    private static final String DEFAULT_SKU = "StandardSSD_LRS";

    private final KubernetesClient client;
    private final Listers listers;
    private final ComputeState state;
    private final AzureTarget target;
    private final EventRecorder events;
    private final Predicate<String> held;

    /** {@code held} says of a namespace whether its claims are to stay Pending for now ({@link CsiSimulator#holdClaims}). */
    Provisioner(KubernetesClient client, Listers listers, ComputeState state, AzureTarget target, EventRecorder events,
                Predicate<String> held) {
        this.client = client;
        this.listers = listers;
        this.state = state;
        this.target = target;
        this.events = events;
        this.held = held;
    }

    /** Whether nothing is left to do for this claim, judged from a cached copy without calling the API. */
    static boolean isSettled(PersistentVolumeClaim pvc) {
        return pvc.getMetadata().getDeletionTimestamp() != null
                || (pvc.getSpec().getVolumeName() != null && pvc.getStatus() != null
                && "Bound".equals(pvc.getStatus().getPhase()));
    }

    /** Brings a claim one step nearer to Bound; safe to call again at any point. */
    void reconcile(String namespace, String name) {
        PersistentVolumeClaim pvc = listers.claim(namespace, name);
        if (pvc == null || isSettled(pvc)) {
            return;
        }
        if (pvc.getStatus() == null || pvc.getStatus().getPhase() == null) {
            // The PV controller marks every new claim Pending, whichever provisioner will (or will not) serve it.
            pvc = client.persistentVolumeClaims().inNamespace(namespace).withName(name).editStatus(c -> {
                if (c.getStatus() == null) {
                    c.setStatus(new PersistentVolumeClaimStatus());
                }
                c.getStatus().setPhase("Pending");
                return c;
            });
        }
        if (held.test(namespace)) {
            // A test holds the namespace's claims back: they stay Pending until it releases them.
            return;
        }
        String pvName = "pvc-" + pvc.getMetadata().getUid();
        String requestedVolume = pvc.getSpec().getVolumeName();
        if (requestedVolume != null && !requestedVolume.isEmpty() && !requestedVolume.equals(pvName)) {
            // A claim for a named, pre-created PV is the PV controller's static binding, which is not simulated.
            return;
        }
        StorageClass storageClass = storageClassOf(pvc);
        if (storageClass == null || !CsiSimulator.DRIVER.equals(storageClass.getProvisioner())) {
            return;
        }
        PersistentVolume pv = client.persistentVolumes().withName(pvName).get();
        if (pv == null) {
            Disk disk = provisionDisk(pvc, storageClass, pvName);
            if (disk == null) {
                return;
            }
            pv = client.persistentVolumes().resource(persistentVolume(pvc, storageClass, pvName, disk)).create();
            events.record(pvc, EventRecorder.NORMAL, "ProvisioningSucceeded", "Successfully provisioned volume " + pvName);
            LOG.info("CSI simulator: provisioned {} for {}/{} on {}", pvName, namespace, name, disk.id());
        }
        bind(pvc, pv);
    }

    /** What the PV controller and the provisioner do once a claim is gone: delete or release its volume. */
    void release(PersistentVolumeClaim deleted) {
        String volumeName = deleted.getSpec().getVolumeName();
        if (volumeName == null || volumeName.isEmpty()) {
            // Deleted between the PV's creation and the binding: the PV carries the name derived from the uid.
            volumeName = "pvc-" + deleted.getMetadata().getUid();
        }
        PersistentVolume pv = client.persistentVolumes().withName(volumeName).get();
        if (pv == null || pv.getSpec().getClaimRef() == null
                || !Objects.equals(pv.getSpec().getClaimRef().getUid(), deleted.getMetadata().getUid())) {
            return;
        }
        boolean ours = CsiSimulator.DRIVER.equals(pv.getMetadata().getAnnotations() == null ? null
                : pv.getMetadata().getAnnotations().get(PROVISIONED_BY));
        if (ours && "Delete".equals(pv.getSpec().getPersistentVolumeReclaimPolicy())) {
            ResourceKey disk = ResourceKey.parse(pv.getSpec().getCsi().getVolumeHandle());
            // A disk already gone counts as deleted, as the driver treats Azure's 404.
            if (disk != null) {
                state.deleteDisk(disk);
            }
            client.persistentVolumes().withName(volumeName).delete();
            LOG.info("CSI simulator: deleted {} and its disk after its claim was deleted", volumeName);
        } else if (!"Released".equals(phase(pv))) {
            client.persistentVolumes().withName(volumeName).editStatus(p -> {
                statusOf(p).setPhase("Released");
                return p;
            });
        }
    }

    private StorageClass storageClassOf(PersistentVolumeClaim pvc) {
        String className = pvc.getSpec().getStorageClassName();
        if (className == null) {
            // On a real cluster the admission plugin writes the default class in at creation.
            return client.storage().v1().storageClasses().list().getItems().stream()
                    .filter(c -> c.getMetadata().getAnnotations() != null
                            && "true".equals(c.getMetadata().getAnnotations().get(DEFAULT_CLASS)))
                    .findFirst().orElse(null);
        }
        // "" asks for no class: a claim for static binding only.
        return className.isEmpty() ? null : client.storage().v1().storageClasses().withName(className).get();
    }

    /** The claim's disk, made now if need be; null (with a Warning event) while it cannot be made. */
    private Disk provisionDisk(PersistentVolumeClaim pvc, StorageClass storageClass, String pvName) {
        Map<String, String> parameters = storageClass.getParameters();
        ResourceKey key = ResourceKey.disk(target.subscriptionId(), target.resourceGroup(parameters), pvName);
        Disk existing = state.disk(key).orElse(null);
        if (existing != null) {
            // Made by an earlier pass that stopped before the PV was written.
            return existing;
        }
        String failurePrefix = "failed to provision volume with StorageClass \"" + storageClass.getMetadata().getName()
                + "\": ";
        Quantity request = pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null
                ? null : pvc.getSpec().getResources().getRequests().get("storage");
        if (request == null) {
            events.record(pvc, EventRecorder.WARNING, "ProvisioningFailed",
                    failurePrefix + "the claim has no spec.resources.requests.storage");
            return null;
        }
        long requested = StorageSize.bytes(request);
        String sourceSnapshotId = null;
        DataSource source = DataSource.of(pvc.getSpec());
        if (source != null) {
            if (!source.isVolumeSnapshot()) {
                events.record(pvc, EventRecorder.WARNING, "ProvisioningFailed", failurePrefix + "data source "
                        + source.kind() + " " + source.name() + " is not supported by the CSI simulator");
                return null;
            }
            SnapshotHandle handle = snapshotHandle(pvc.getMetadata().getNamespace(), source.name());
            if (handle.problem() != null) {
                events.record(pvc, EventRecorder.WARNING, "ProvisioningFailed", failurePrefix + handle.problem());
                return null;
            }
            if (handle.restoreSize() != null && requested < handle.restoreSize()) {
                events.record(pvc, EventRecorder.WARNING, "ProvisioningFailed", failurePrefix + "requested volume size "
                        + requested + " is less than the size " + handle.restoreSize() + " for the source snapshot "
                        + source.name());
                return null;
            }
            sourceSnapshotId = handle.snapshotId();
        }
        Map<String, String> driverTags = new LinkedHashMap<>();
        driverTags.put("k8s-azure-created-by", "kubernetes-azure-dd");
        driverTags.put("kubernetes.io-created-for-pv-name", pvName);
        driverTags.put("kubernetes.io-created-for-pvc-name", pvc.getMetadata().getName());
        driverTags.put("kubernetes.io-created-for-pvc-namespace", pvc.getMetadata().getNamespace());
        Object sku = AzureTarget.parameter(parameters, "skuName");
        try {
            Disk disk = state.createDisk(key, target.region(), StorageSize.diskBytesFor(requested),
                    AzureTarget.tags(parameters, driverTags), sku == null ? DEFAULT_SKU : sku.toString(),
                    sourceSnapshotId);
            state.provisioned(disk);
            return disk;
        } catch (ArmError e) {
            // The driver hands Azure's refusal back through gRPC; the provisioner retries and reports it as an event.
            events.record(pvc, EventRecorder.WARNING, "ProvisioningFailed", failurePrefix
                    + "rpc error: code = Internal desc = " + e.code() + ": " + e.getMessage());
            return null;
        }
    }

    /** The Azure snapshot id behind a ready VolumeSnapshot, or why there is none yet. */
    private SnapshotHandle snapshotHandle(String namespace, String snapshotName) {
        String prefix = "error getting handle for DataSource Type VolumeSnapshot by Name " + snapshotName + ": ";
        GenericKubernetesResource snapshot = listers.snapshot(namespace, snapshotName);
        if (snapshot == null) {
            return SnapshotHandle.failed(prefix + "volumesnapshot.snapshot.storage.k8s.io \"" + snapshotName
                    + "\" not found");
        }
        String contentName = Resources.string(snapshot, "status", "boundVolumeSnapshotContentName");
        if (!Boolean.TRUE.equals(Resources.bool(snapshot, "status", "readyToUse")) || contentName == null) {
            return SnapshotHandle.failed(prefix + "snapshot " + snapshotName + " is not Ready");
        }
        GenericKubernetesResource content = listers.content(contentName);
        String snapshotId = content == null ? null : Resources.string(content, "status", "snapshotHandle");
        if (snapshotId == null) {
            return SnapshotHandle.failed(prefix + "snapshot " + snapshotName + " has no bound content with a handle");
        }
        if (!CsiSimulator.DRIVER.equals(Resources.string(content, "spec", "driver"))) {
            return SnapshotHandle.failed(prefix + "the content of snapshot " + snapshotName + " is for driver "
                    + Resources.string(content, "spec", "driver") + ", not " + CsiSimulator.DRIVER);
        }
        return new SnapshotHandle(snapshotId, Resources.number(content, "status", "restoreSize"), null);
    }

    private record SnapshotHandle(String snapshotId, Long restoreSize, String problem) {

        static SnapshotHandle failed(String problem) {
            return new SnapshotHandle(null, null, problem);
        }
    }

    /** A claim's data source: {@code dataSourceRef} when set (it supersedes {@code dataSource}), else {@code dataSource}. */
    private record DataSource(String apiGroup, String kind, String name) {

        static DataSource of(PersistentVolumeClaimSpec spec) {
            if (spec.getDataSourceRef() != null) {
                return new DataSource(spec.getDataSourceRef().getApiGroup(), spec.getDataSourceRef().getKind(),
                        spec.getDataSourceRef().getName());
            }
            if (spec.getDataSource() != null) {
                return new DataSource(spec.getDataSource().getApiGroup(), spec.getDataSource().getKind(),
                        spec.getDataSource().getName());
            }
            return null;
        }

        boolean isVolumeSnapshot() {
            return KubeCluster.SNAPSHOT_GROUP.equals(apiGroup) && "VolumeSnapshot".equals(kind);
        }
    }

    private PersistentVolume persistentVolume(PersistentVolumeClaim pvc, StorageClass storageClass, String pvName,
                                              Disk disk) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (storageClass.getParameters() != null) {
            attributes.putAll(storageClass.getParameters());
        }
        attributes.put("csi.storage.k8s.io/pv/name", pvName);
        attributes.put("csi.storage.k8s.io/pvc/name", pvc.getMetadata().getName());
        attributes.put("csi.storage.k8s.io/pvc/namespace", pvc.getMetadata().getNamespace());
        attributes.put("storage.kubernetes.io/csiProvisionerIdentity", CsiSimulator.COMPONENT);
        String reclaimPolicy = storageClass.getReclaimPolicy() == null ? "Delete" : storageClass.getReclaimPolicy();
        String volumeMode = pvc.getSpec().getVolumeMode() == null ? "Filesystem" : pvc.getSpec().getVolumeMode();
        Object fsType = AzureTarget.parameter(storageClass.getParameters(), "fsType");
        return new PersistentVolumeBuilder()
                .withNewMetadata()
                .withName(pvName)
                .addToAnnotations(PROVISIONED_BY, CsiSimulator.DRIVER)
                .addToAnnotations("volume.kubernetes.io/provisioner-deletion-secret-name", "")
                .addToAnnotations("volume.kubernetes.io/provisioner-deletion-secret-namespace", "")
                .endMetadata()
                .withNewSpec()
                .addToCapacity("storage", StorageSize.quantity(disk.sizeBytes()))
                .withAccessModes(pvc.getSpec().getAccessModes())
                .withStorageClassName(storageClass.getMetadata().getName())
                .withPersistentVolumeReclaimPolicy(reclaimPolicy)
                .withVolumeMode(volumeMode)
                .withMountOptions(storageClass.getMountOptions())
                .withClaimRef(new ObjectReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("PersistentVolumeClaim")
                        .withNamespace(pvc.getMetadata().getNamespace())
                        .withName(pvc.getMetadata().getName())
                        .withUid(pvc.getMetadata().getUid())
                        .withResourceVersion(pvc.getMetadata().getResourceVersion())
                        .build())
                .withNewCsi()
                .withDriver(CsiSimulator.DRIVER)
                .withVolumeHandle(disk.id())
                .withFsType("Block".equals(volumeMode) ? null : fsType == null ? "ext4" : fsType.toString())
                .withVolumeAttributes(attributes)
                .endCsi()
                .endSpec()
                .build();
    }

    /** The PV controller's half: the volume and the claim point at each other, then both are Bound. */
    private void bind(PersistentVolumeClaim pvc, PersistentVolume pv) {
        String pvName = pv.getMetadata().getName();
        if (!"Bound".equals(phase(pv))) {
            client.persistentVolumes().withName(pvName).editStatus(p -> {
                statusOf(p).setPhase("Bound");
                return p;
            });
        }
        Map<String, Quantity> capacity = Map.copyOf(pv.getSpec().getCapacity());
        List<String> accessModes = List.copyOf(pv.getSpec().getAccessModes());
        var claim = client.persistentVolumeClaims().inNamespace(pvc.getMetadata().getNamespace())
                .withName(pvc.getMetadata().getName());
        if (!pvName.equals(pvc.getSpec().getVolumeName())) {
            claim.edit(c -> {
                if (c.getMetadata().getAnnotations() == null) {
                    c.getMetadata().setAnnotations(new LinkedHashMap<>());
                }
                c.getMetadata().getAnnotations().put("pv.kubernetes.io/bind-completed", "yes");
                c.getMetadata().getAnnotations().put("pv.kubernetes.io/bound-by-controller", "yes");
                c.getMetadata().getAnnotations().put("volume.kubernetes.io/storage-provisioner", CsiSimulator.DRIVER);
                c.getMetadata().getAnnotations().put("volume.beta.kubernetes.io/storage-provisioner",
                        CsiSimulator.DRIVER);
                c.getSpec().setVolumeName(pvName);
                return c;
            });
        }
        claim.editStatus(c -> {
            if (c.getStatus() == null) {
                c.setStatus(new PersistentVolumeClaimStatus());
            }
            c.getStatus().setPhase("Bound");
            c.getStatus().setCapacity(capacity);
            c.getStatus().setAccessModes(accessModes);
            return c;
        });
    }

    private static PersistentVolumeStatus statusOf(PersistentVolume pv) {
        if (pv.getStatus() == null) {
            pv.setStatus(new PersistentVolumeStatus());
        }
        return pv.getStatus();
    }

    private static String phase(PersistentVolume pv) {
        return pv.getStatus() == null ? null : pv.getStatus().getPhase();
    }
}
