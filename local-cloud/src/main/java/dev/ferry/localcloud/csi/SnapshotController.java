package dev.ferry.localcloud.csi;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.ferry.localcloud.azure.compute.ArmError;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the snapshot controller, the csi-snapshotter sidecar and the Azure disk driver do for VolumeSnapshots and
 * VolumeSnapshotContents: incremental Azure snapshots of bound claims, pre-provisioned contents checked against
 * Azure, the two bound, and the Azure snapshot deleted with a content whose policy is Delete.
 */
final class SnapshotController {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotController.class);
    /** The snapshot controller names a dynamic content {@code snapcontent-<VolumeSnapshot uid>}. */
    static final String CONTENT_PREFIX = "snapcontent-";
    /** The csi-snapshotter sidecar asks the driver for {@code snapshot-<VolumeSnapshot uid>}, the Azure name. */
    static final String SNAPSHOT_PREFIX = "snapshot-";
    /** {@link CsiSimulator#SNAPSHOT_FAULT_ANNOTATION} value: the snapshot stays not ready, without an error. */
    static final String NEVER_READY = "never-ready";
    /** {@link CsiSimulator#SNAPSHOT_FAULT_ANNOTATION} value: the snapshot reports a driver error. */
    static final String FAIL = "fail";
    private static final String DEFAULT_CLASS = "snapshot.storage.kubernetes.io/is-default-class";
    private static final String API_VERSION = KubeCluster.SNAPSHOT_GROUP + "/v1";
    // Incremental snapshots are stored on standard HDD whatever the disk's SKU.
    private static final String SNAPSHOT_SKU = "Standard_LRS";

    private final KubernetesClient client;
    private final Listers listers;
    private final ComputeState state;
    private final AzureTarget target;
    private final EventRecorder events;

    SnapshotController(KubernetesClient client, Listers listers, ComputeState state, AzureTarget target, EventRecorder events) {
        this.client = client;
        this.listers = listers;
        this.state = state;
        this.target = target;
        this.events = events;
    }

    /** Whether nothing is left to do for a VolumeSnapshot, judged from a cached copy. */
    static boolean isSettled(GenericKubernetesResource snapshot) {
        return snapshot.getMetadata().getDeletionTimestamp() != null
                || (Boolean.TRUE.equals(Resources.bool(snapshot, "status", "readyToUse"))
                && Resources.string(snapshot, "status", "boundVolumeSnapshotContentName") != null);
    }

    /** Whether nothing is left to do for a VolumeSnapshotContent, judged from a cached copy. */
    static boolean isContentSettled(GenericKubernetesResource content) {
        return content.getMetadata().getDeletionTimestamp() != null
                || !CsiSimulator.DRIVER.equals(Resources.string(content, "spec", "driver"))
                || Boolean.TRUE.equals(Resources.bool(content, "status", "readyToUse"));
    }

    // ---- VolumeSnapshot ------------------------------------------------------------------------

    /** Brings a VolumeSnapshot one step nearer to readyToUse, or records why it cannot get there. */
    void reconcileSnapshot(String namespace, String name) {
        GenericKubernetesResource snapshot = listers.snapshot(namespace, name);
        if (snapshot == null || isSettled(snapshot)) {
            return;
        }
        String claimName = Resources.string(snapshot, "spec", "source", "persistentVolumeClaimName");
        String contentName = Resources.string(snapshot, "spec", "source", "volumeSnapshotContentName");
        try {
            if (claimName != null && contentName == null) {
                takeSnapshot(snapshot, claimName);
            } else if (contentName != null && claimName == null) {
                bindPreProvisioned(snapshot, contentName);
            } else {
                throw new SnapshotFailure("SnapshotValidationFailed", "exactly one of "
                        + "spec.source.persistentVolumeClaimName and spec.source.volumeSnapshotContentName must be set");
            }
        } catch (SnapshotFailure failure) {
            recordError(snapshot, failure);
        }
    }

    /** A dynamic snapshot: a content for it, an incremental Azure snapshot of the claim's disk, both ready. */
    private void takeSnapshot(GenericKubernetesResource snapshot, String claimName) throws SnapshotFailure {
        String fault = injectedFault(snapshot, claimName);
        if (NEVER_READY.equals(fault)) {
            // A stalled driver: no content, no status, no error; the snapshot simply never becomes ready.
            return;
        }
        if (FAIL.equals(fault)) {
            throw new SnapshotFailure("SnapshotCreationFailed", "Failed to check and update snapshot content: failed to "
                    + "take snapshot of the volume of PVC " + claimName + ": \"rpc error: code = Internal desc = "
                    + "injected failure (" + CsiSimulator.SNAPSHOT_FAULT_ANNOTATION + "=" + FAIL + ")\"");
        }
        String contentName = CONTENT_PREFIX + snapshot.getMetadata().getUid();
        GenericKubernetesResource content = listers.content(contentName);
        GenericKubernetesResource snapshotClass = null;
        if (content == null) {
            snapshotClass = snapshotClass(snapshot);
            PersistentVolume volume = boundVolume(snapshot, claimName);
            content = contents().resource(dynamicContent(snapshot, contentName, snapshotClass, volume)).create();
        }
        if (!Boolean.TRUE.equals(Resources.bool(content, "status", "readyToUse"))) {
            content = cutAzureSnapshot(content, snapshotClass);
        }
        writeBoundStatus(snapshot, content);
    }

    /** The fault a test asked for on the claim ({@link CsiSimulator#SNAPSHOT_FAULT_ANNOTATION}), or null. */
    private String injectedFault(GenericKubernetesResource snapshot, String claimName) {
        PersistentVolumeClaim claim = listers.claim(snapshot.getMetadata().getNamespace(), claimName);
        if (claim == null || claim.getMetadata().getAnnotations() == null) {
            return null;
        }
        String fault = claim.getMetadata().getAnnotations().get(CsiSimulator.SNAPSHOT_FAULT_ANNOTATION);
        if (fault != null && !NEVER_READY.equals(fault) && !FAIL.equals(fault)) {
            LOG.warn("CSI simulator: PVC {}/{} has {}={}, which means nothing (known: {}, {})",
                    snapshot.getMetadata().getNamespace(), claimName, CsiSimulator.SNAPSHOT_FAULT_ANNOTATION, fault,
                    NEVER_READY, FAIL);
            return null;
        }
        return fault;
    }

    private GenericKubernetesResource snapshotClass(GenericKubernetesResource snapshot) throws SnapshotFailure {
        String prefix = "failed to get input parameters to create snapshot " + snapshot.getMetadata().getName() + ": ";
        String className = Resources.string(snapshot, "spec", "volumeSnapshotClassName");
        GenericKubernetesResource snapshotClass;
        if (className == null) {
            // The controller picks the default class of the volume's driver; only this driver is simulated.
            snapshotClass = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CLASSES).list().getItems()
                    .stream()
                    .filter(c -> CsiSimulator.DRIVER.equals(Resources.string(c, "driver")))
                    .filter(c -> c.getMetadata().getAnnotations() != null
                            && "true".equals(c.getMetadata().getAnnotations().get(DEFAULT_CLASS)))
                    .findFirst()
                    .orElseThrow(() -> new SnapshotFailure("SnapshotContentCreationFailed", prefix
                            + "cannot find default snapshot class for driver " + CsiSimulator.DRIVER));
        } else {
            snapshotClass = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CLASSES)
                    .withName(className).get();
            if (snapshotClass == null) {
                throw new SnapshotFailure("SnapshotContentCreationFailed", prefix
                        + "volumesnapshotclass.snapshot.storage.k8s.io \"" + className + "\" not found");
            }
        }
        String driver = Resources.string(snapshotClass, "driver");
        if (!CsiSimulator.DRIVER.equals(driver)) {
            throw new SnapshotFailure("SnapshotContentCreationFailed", prefix + "VolumeSnapshotClass \""
                    + snapshotClass.getMetadata().getName() + "\" is for driver \"" + driver
                    + "\", but the volume is provisioned by \"" + CsiSimulator.DRIVER + "\"");
        }
        return snapshotClass;
    }

    private PersistentVolume boundVolume(GenericKubernetesResource snapshot, String claimName) throws SnapshotFailure {
        String prefix = "failed to get input parameters to create snapshot " + snapshot.getMetadata().getName() + ": ";
        PersistentVolumeClaim claim = listers.claim(snapshot.getMetadata().getNamespace(), claimName);
        if (claim == null) {
            throw new SnapshotFailure("SnapshotContentCreationFailed", prefix + "persistentvolumeclaim \""
                    + claimName + "\" not found");
        }
        String volumeName = claim.getSpec().getVolumeName();
        if (volumeName == null || volumeName.isEmpty() || claim.getStatus() == null
                || !"Bound".equals(claim.getStatus().getPhase())) {
            throw new SnapshotFailure("SnapshotContentCreationFailed", prefix + "the PVC " + claimName
                    + " is not yet bound to a PV, will not attempt to take a snapshot");
        }
        PersistentVolume volume = client.persistentVolumes().withName(volumeName).get();
        if (volume == null || volume.getSpec().getCsi() == null
                || !CsiSimulator.DRIVER.equals(volume.getSpec().getCsi().getDriver())) {
            throw new SnapshotFailure("SnapshotContentCreationFailed", prefix + "the volume " + volumeName
                    + " of PVC " + claimName + " is not a CSI volume of driver " + CsiSimulator.DRIVER);
        }
        return volume;
    }

    private static GenericKubernetesResource dynamicContent(GenericKubernetesResource snapshot, String contentName,
                                                            GenericKubernetesResource snapshotClass,
                                                            PersistentVolume volume) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("driver", CsiSimulator.DRIVER);
        String deletionPolicy = Resources.string(snapshotClass, "deletionPolicy");
        spec.put("deletionPolicy", deletionPolicy == null ? "Delete" : deletionPolicy);
        spec.put("source", Map.of("volumeHandle", volume.getSpec().getCsi().getVolumeHandle()));
        spec.put("sourceVolumeMode", volume.getSpec().getVolumeMode() == null ? "Filesystem"
                : volume.getSpec().getVolumeMode());
        spec.put("volumeSnapshotClassName", snapshotClass.getMetadata().getName());
        spec.put("volumeSnapshotRef", snapshotRef(snapshot));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION)
                .withKind("VolumeSnapshotContent")
                .withNewMetadata().withName(contentName).endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build();
    }

    private static Map<String, Object> snapshotRef(GenericKubernetesResource snapshot) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("apiVersion", API_VERSION);
        ref.put("kind", "VolumeSnapshot");
        ref.put("namespace", snapshot.getMetadata().getNamespace());
        ref.put("name", snapshot.getMetadata().getName());
        ref.put("uid", snapshot.getMetadata().getUid());
        ref.put("resourceVersion", snapshot.getMetadata().getResourceVersion());
        return ref;
    }

    /** The sidecar's part: the driver's CreateSnapshot in Azure, then the content's status. */
    /** @param knownClass the content's VolumeSnapshotClass when the caller has just read it, else null (read here) */
    private GenericKubernetesResource cutAzureSnapshot(GenericKubernetesResource content, GenericKubernetesResource knownClass)
            throws SnapshotFailure {
        String contentName = content.getMetadata().getName();
        String volumeHandle = Resources.string(content, "spec", "source", "volumeHandle");
        String snapshotUid = Resources.string(content, "spec", "volumeSnapshotRef", "uid");
        String className = Resources.string(content, "spec", "volumeSnapshotClassName");
        GenericKubernetesResource snapshotClass = knownClass != null && knownClass.getMetadata().getName().equals(className) ? knownClass
                : className == null ? null
                : client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CLASSES).withName(className).get();
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = snapshotClass == null ? null
                : (Map<String, Object>) snapshotClass.getAdditionalProperties().get("parameters");
        ResourceKey key = ResourceKey.snapshot(target.subscriptionId(), target.resourceGroup(parameters),
                SNAPSHOT_PREFIX + snapshotUid);
        Snapshot azureSnapshot = state.snapshot(key).orElse(null);
        if (azureSnapshot == null) {
            Object incremental = AzureTarget.parameter(parameters, "incremental");
            Map<String, String> driverTags = new LinkedHashMap<>();
            driverTags.put("k8s-azure-created-by", "azuredisk-csi-driver");
            driverTags.put("kubernetes.io-created-for-volumesnapshot-name",
                    Resources.string(content, "spec", "volumeSnapshotRef", "name"));
            driverTags.put("kubernetes.io-created-for-volumesnapshot-namespace",
                    Resources.string(content, "spec", "volumeSnapshotRef", "namespace"));
            driverTags.put("kubernetes.io-created-for-volumesnapshotcontent-name", contentName);
            try {
                azureSnapshot = state.copyDisk(key, target.region(), volumeHandle,
                        incremental == null || Boolean.parseBoolean(incremental.toString()),
                        AzureTarget.tags(parameters, driverTags), SNAPSHOT_SKU);
                state.provisioned(azureSnapshot);
            } catch (ArmError e) {
                String message = "Failed to check and update snapshot content: failed to take snapshot of the volume "
                        + volumeHandle + ": \"rpc error: code = Internal desc = " + e.code() + ": " + e.getMessage() + "\"";
                writeContentStatus(content, contentError(content, message));
                throw new SnapshotFailure("SnapshotCreationFailed", message);
            }
            LOG.info("CSI simulator: took {} of {} for {}", azureSnapshot.id(), volumeHandle, contentName);
        }
        return writeContentStatus(content, readyStatus(azureSnapshot));
    }

    /** A pre-provisioned snapshot: bound to the content that names it, ready when the content is. */
    private void bindPreProvisioned(GenericKubernetesResource snapshot, String contentName) throws SnapshotFailure {
        String namespace = snapshot.getMetadata().getNamespace();
        String name = snapshot.getMetadata().getName();
        GenericKubernetesResource content = listers.content(contentName);
        if (content == null) {
            throw new SnapshotFailure("SnapshotContentMissing", "VolumeSnapshotContent " + contentName + " is missing");
        }
        String refNamespace = Resources.string(content, "spec", "volumeSnapshotRef", "namespace");
        String refName = Resources.string(content, "spec", "volumeSnapshotRef", "name");
        String refUid = Resources.string(content, "spec", "volumeSnapshotRef", "uid");
        if (!namespace.equals(refNamespace) || !name.equals(refName)
                || (refUid != null && !refUid.equals(snapshot.getMetadata().getUid()))) {
            throw new SnapshotFailure("SnapshotMisbound", "VolumeSnapshotContent " + contentName
                    + " is bound to VolumeSnapshot " + refNamespace + "/" + refName + " (uid " + refUid
                    + "), not to " + namespace + "/" + name);
        }
        if (refUid == null) {
            // The controller completes the binding by writing the snapshot's uid into the content's reference.
            content = contents().withName(contentName).edit(c -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> ref = (Map<String, Object>) Resources.map(c, "spec").get("volumeSnapshotRef");
                ref.put("uid", snapshot.getMetadata().getUid());
                return c;
            });
        }
        writeBoundStatus(snapshot, content);
    }

    /** Mirrors the content's readiness, size, time and error in the snapshot's status. */
    private void writeBoundStatus(GenericKubernetesResource snapshot, GenericKubernetesResource content) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("boundVolumeSnapshotContentName", content.getMetadata().getName());
        Long creationNanos = Resources.number(content, "status", "creationTime");
        if (creationNanos != null) {
            status.put("creationTime", rfc3339(Instant.ofEpochSecond(0, creationNanos)));
        }
        boolean ready = Boolean.TRUE.equals(Resources.bool(content, "status", "readyToUse"));
        status.put("readyToUse", ready);
        Long restoreSize = Resources.number(content, "status", "restoreSize");
        if (restoreSize != null) {
            status.put("restoreSize", StorageSize.quantity(restoreSize).toString());
        }
        Object error = Resources.map(content, "status") == null ? null : Resources.map(content, "status").get("error");
        if (!ready && error != null) {
            status.put("error", error);
        }
        if (Resources.sameJson(client, status, Resources.map(snapshot, "status"))) {
            return;
        }
        snapshots().inNamespace(snapshot.getMetadata().getNamespace()).withName(snapshot.getMetadata().getName())
                .editStatus(s -> {
                    s.setAdditionalProperty("status", status);
                    return s;
                });
    }

    private void recordError(GenericKubernetesResource snapshot, SnapshotFailure failure) {
        String current = Resources.string(snapshot, "status", "error", "message");
        if (failure.getMessage().equals(current)
                && Boolean.FALSE.equals(Resources.bool(snapshot, "status", "readyToUse"))) {
            return;
        }
        LOG.info("CSI simulator: VolumeSnapshot {}/{}: {}", snapshot.getMetadata().getNamespace(),
                snapshot.getMetadata().getName(), failure.getMessage());
        events.record(snapshot, EventRecorder.WARNING, failure.reason(), failure.getMessage());
        snapshots().inNamespace(snapshot.getMetadata().getNamespace()).withName(snapshot.getMetadata().getName())
                .editStatus(s -> {
                    Map<String, Object> status = Resources.copyOf(s, "status");
                    status.put("readyToUse", false);
                    status.put("error", Map.of("message", failure.getMessage(), "time", rfc3339(state.now())));
                    s.setAdditionalProperty("status", status);
                    return s;
                });
    }

    // ---- VolumeSnapshotContent -----------------------------------------------------------------

    /** Checks a pre-provisioned content's Azure snapshot, as the sidecar's ListSnapshots does, and marks it ready. */
    void reconcileContent(String name) {
        GenericKubernetesResource content = listers.content(name);
        if (content == null || isContentSettled(content)) {
            return;
        }
        String handle = Resources.string(content, "spec", "source", "snapshotHandle");
        if (handle == null) {
            // A dynamic content: its snapshot drives it.
            return;
        }
        ResourceKey key = ResourceKey.parse(handle);
        Snapshot azureSnapshot = key == null ? null : state.snapshot(key).orElse(null);
        Map<String, Object> status;
        if (key == null) {
            status = contentError(content, "snapshotHandle \"" + handle + "\" is not an Azure resource id");
        } else if (azureSnapshot == null) {
            status = contentError(content, "Failed to check and update snapshot content: failed to list snapshot for "
                    + "content " + name + ": \"rpc error: code = NotFound desc = get snapshot " + handle
                    + " failed with error: Microsoft.Compute/snapshots '" + key.name() + "' not found\"");
        } else if (azureSnapshot.copyErrorCode() != null) {
            status = contentError(content, "Failed to check and update snapshot content: snapshot " + handle
                    + " failed to copy: " + azureSnapshot.copyErrorCode() + ": " + azureSnapshot.copyErrorMessage());
        } else {
            // Not ready while a CopyStart is under way, as the driver reports completionPercent below 100.
            status = readyStatus(azureSnapshot);
        }
        writeContentStatus(content, status);
    }

    private Map<String, Object> readyStatus(Snapshot azureSnapshot) {
        Map<String, Object> status = new LinkedHashMap<>();
        Instant created = azureSnapshot.timeCreated();
        status.put("creationTime", created.getEpochSecond() * 1_000_000_000L + created.getNano());
        status.put("readyToUse", azureSnapshot.content() != null);
        status.put("restoreSize", azureSnapshot.sizeBytes());
        status.put("snapshotHandle", azureSnapshot.id());
        return status;
    }

    private Map<String, Object> contentError(GenericKubernetesResource content, String message) {
        Map<String, Object> status = Resources.copyOf(content, "status");
        Object existing = status.get("error");
        boolean same = existing instanceof Map<?, ?> e && message.equals(e.get("message"));
        status.put("readyToUse", false);
        // Keeping the first time of an unchanged error keeps the retries from rewriting the status each pass.
        status.put("error", same ? existing : Map.of("message", message, "time", rfc3339(state.now())));
        return status;
    }

    private GenericKubernetesResource writeContentStatus(GenericKubernetesResource content, Map<String, Object> status) {
        if (Resources.sameJson(client, status, Resources.map(content, "status"))) {
            return content;
        }
        return contents().withName(content.getMetadata().getName()).editStatus(c -> {
            c.setAdditionalProperty("status", status);
            return c;
        });
    }

    // ---- deletion ------------------------------------------------------------------------------

    /** A deleted VolumeSnapshot takes its content along when the content's deletion policy is Delete. */
    void snapshotDeleted(GenericKubernetesResource snapshot) {
        String uid = snapshot.getMetadata().getUid();
        String contentName = Resources.string(snapshot, "status", "boundVolumeSnapshotContentName");
        if (contentName == null) {
            contentName = Resources.string(snapshot, "spec", "source", "persistentVolumeClaimName") != null
                    ? CONTENT_PREFIX + uid
                    : Resources.string(snapshot, "spec", "source", "volumeSnapshotContentName");
        }
        GenericKubernetesResource content = contentName == null ? null : listers.content(contentName);
        if (content == null) {
            return;
        }
        boolean boundHere = Objects.equals(snapshot.getMetadata().getNamespace(),
                Resources.string(content, "spec", "volumeSnapshotRef", "namespace"))
                && Objects.equals(snapshot.getMetadata().getName(),
                Resources.string(content, "spec", "volumeSnapshotRef", "name"))
                && Objects.equals(uid, Resources.string(content, "spec", "volumeSnapshotRef", "uid"));
        if (boundHere && "Delete".equals(Resources.string(content, "spec", "deletionPolicy"))) {
            // Azure first, then the object: on a cluster the content's finalizer holds it until the snapshot is
            // gone, so a client that sees the content gone may rely on the Azure snapshot being gone too.
            contentDeleted(content);
            contents().withName(contentName).delete();
            LOG.info("CSI simulator: deleted {} with its VolumeSnapshot {}/{}", contentName,
                    snapshot.getMetadata().getNamespace(), snapshot.getMetadata().getName());
        }
    }

    /** A deleted content whose policy is Delete takes its Azure snapshot along; Retain keeps it. */
    void contentDeleted(GenericKubernetesResource content) {
        if (!CsiSimulator.DRIVER.equals(Resources.string(content, "spec", "driver"))
                || !"Delete".equals(Resources.string(content, "spec", "deletionPolicy"))) {
            return;
        }
        String handle = Resources.string(content, "status", "snapshotHandle");
        if (handle == null) {
            handle = Resources.string(content, "spec", "source", "snapshotHandle");
        }
        ResourceKey key = ResourceKey.parse(handle);
        if (key == null && Resources.string(content, "spec", "source", "volumeHandle") != null) {
            // Deleted before its status was written: the snapshot, if cut, has the name derived from the uid.
            key = ResourceKey.snapshot(target.subscriptionId(), target.resourceGroup(),
                    SNAPSHOT_PREFIX + Resources.string(content, "spec", "volumeSnapshotRef", "uid"));
        }
        // Azure refuses while a SAS is active (409): the queue retries, as the sidecar does.
        if (key != null && state.deleteSnapshot(key)) {
            LOG.info("CSI simulator: deleted {} with {}", key.id(), content.getMetadata().getName());
        }
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> snapshots() {
        return client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS);
    }

    private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> contents() {
        return client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS);
    }

    /** Kubernetes' {@code metav1.Time}: RFC 3339 in whole seconds. */
    static String rfc3339(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
