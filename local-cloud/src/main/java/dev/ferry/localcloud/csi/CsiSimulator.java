package dev.ferry.localcloud.csi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the snapshot controller, the external-provisioner and the Azure disk CSI driver ({@code disk.csi.azure.com})
 * for one {@link KubeCluster}, over the disks and snapshots of one region of the Azure fake's {@link ComputeState}.
 *
 * <p>It watches PersistentVolumeClaims, VolumeSnapshots and VolumeSnapshotContents through informers and answers:
 * a claim of a class of this driver gets a managed disk (empty, or from a ready VolumeSnapshot's Azure snapshot),
 * a PersistentVolume and Bound; a VolumeSnapshot of a bound claim gets an incremental Azure snapshot, a
 * VolumeSnapshotContent and readyToUse; a pre-provisioned content becomes ready once its Azure snapshot exists and
 * is complete. Claims are provisioned whatever the class's volumeBindingMode: the mock has no pods or scheduler to
 * wait for, so WaitForFirstConsumer behaves as Immediate.
 */
public final class CsiSimulator implements AutoCloseable {

    /** The CSI driver name this simulator answers for. */
    public static final String DRIVER = "disk.csi.azure.com";
    /**
     * A PVC annotation that makes every VolumeSnapshot of the claim misbehave, for tests of the paths a real driver
     * rarely takes: {@code never-ready} (no content and no status: the snapshot stalls) or {@code fail} (the driver's
     * CreateSnapshot fails: {@code status.error} and {@code readyToUse=false}). Read when a snapshot is reconciled.
     */
    public static final String SNAPSHOT_FAULT_ANNOTATION = "localcloud.ferry.dev/snapshot";
    /** The component named in the Events and PV attributes this simulator writes. */
    static final String COMPONENT = "ferry-csi-simulator";
    private static final Logger LOG = LoggerFactory.getLogger(CsiSimulator.class);
    private static final Duration INFORMER_START_TIMEOUT = Duration.ofSeconds(30);

    private final KubeCluster cluster;
    private final WorkQueue queue;
    private final Listers listers;
    private final Provisioner provisioner;
    private final SnapshotController snapshotController;
    private final Duration resyncPeriod;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<String> heldNamespaces = ConcurrentHashMap.newKeySet();
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private SharedIndexInformer<GenericKubernetesResource> snapshots;

    private CsiSimulator(KubeCluster cluster, ComputeState state, AzureTarget target, Duration resyncPeriod) {
        this.cluster = cluster;
        this.resyncPeriod = resyncPeriod;
        KubernetesClient client = cluster.client();
        EventRecorder events = new EventRecorder(client, DRIVER + "_" + COMPONENT);
        this.listers = new Listers(client);
        this.provisioner = new Provisioner(client, listers, state, target, events, heldNamespaces::contains);
        this.snapshotController = new SnapshotController(client, listers, state, target, events);
        this.queue = new WorkQueue("csi-simulator-" + cluster.role().contextName(), WorkQueue.DEFAULT_WORKERS);
    }

    /** Starts a simulator for a cluster whose disks and snapshots live in one resource group and region. */
    public static CsiSimulator start(KubeCluster cluster, ComputeState state, String subscriptionId,
                                     String resourceGroup, String region) {
        return builder(cluster, state).subscriptionId(subscriptionId).resourceGroup(resourceGroup).region(region)
                .start();
    }

    /** A builder for a simulator with settings beyond {@link #start(KubeCluster, ComputeState, String, String, String)}. */
    public static Builder builder(KubeCluster cluster, ComputeState state) {
        return new Builder(cluster, state);
    }

    /** Settings of a {@link CsiSimulator}; subscription, resource group and region are required. */
    public static final class Builder {

        private final KubeCluster cluster;
        private final ComputeState state;
        private String subscriptionId;
        private String resourceGroup;
        private String region;
        private Duration resyncPeriod = Duration.ofSeconds(1);

        private Builder(KubeCluster cluster, ComputeState state) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            this.state = Objects.requireNonNull(state, "state");
        }

        /** The subscription of the cluster's disks and snapshots. */
        public Builder subscriptionId(String subscriptionId) {
            this.subscriptionId = subscriptionId;
            return this;
        }

        /** The node resource group ({@code MC_...}) where disks and snapshots go unless a class names another. */
        public Builder resourceGroup(String resourceGroup) {
            this.resourceGroup = resourceGroup;
            return this;
        }

        /** The cluster's region: disks are made there, so only snapshots in it can be restored. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * How often every object is looked at again (default and minimum 1 s). Azure changes, such as a cross-region copy
         * completing, raise no Kubernetes event, so waiting objects are rechecked on this period.
         */
        public Builder resyncPeriod(Duration resyncPeriod) {
            // fabric8's informers resync at most once a second and raise shorter periods with a warning.
            if (resyncPeriod.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("resyncPeriod must be at least 1 s but is " + resyncPeriod);
            }
            this.resyncPeriod = resyncPeriod;
            return this;
        }

        /** Starts the informers and returns once they have listed the cluster's objects. */
        public CsiSimulator start() {
            CsiSimulator simulator = new CsiSimulator(cluster, state,
                    new AzureTarget(subscriptionId, resourceGroup, region), resyncPeriod);
            try {
                simulator.startInformers();
                return simulator;
            } catch (RuntimeException e) {
                simulator.close();
                throw e;
            }
        }
    }

    private void startInformers() {
        KubernetesClient client = cluster.client();
        long resync = resyncPeriod.toMillis();
        claims = client.persistentVolumeClaims().inAnyNamespace().runnableInformer(resync);
        claims.addEventHandler(handler("PersistentVolumeClaim", this::claimChanged, this::claimDeleted));
        snapshots = client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inAnyNamespace()
                .runnableInformer(resync);
        snapshots.addEventHandler(handler("VolumeSnapshot", this::snapshotChanged, this::snapshotDeleted));
        SharedIndexInformer<GenericKubernetesResource> contents = client
                .genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).runnableInformer(resync);
        contents.addEventHandler(handler("VolumeSnapshotContent", this::contentChanged, this::contentDeleted));
        informers.addAll(List.of(claims, snapshots, contents));
        listers.serveFrom(claims, snapshots, contents);
        CompletableFuture<?>[] started = informers.stream().map(i -> i.start().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(started).get(INFORMER_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the CSI simulator's informers", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The CSI simulator's informers did not start on " + cluster, e);
        }
        LOG.info("CSI simulator: watching {}", cluster);
    }

    /**
     * Holds back the claims of a namespace, for tests of what happens while a restore's PVCs are Pending: from now on
     * its claims are marked Pending and get no disk, no PersistentVolume and no binding until {@link #releaseClaims}.
     * Claims already Bound stay Bound.
     */
    public void holdClaims(String namespace) {
        heldNamespaces.add(namespace);
    }

    /** Lets the claims of a namespace held by {@link #holdClaims} be provisioned and bound, at once. */
    public void releaseClaims(String namespace) {
        if (heldNamespaces.remove(namespace) && claims != null) {
            claims.getStore().list().stream()
                    .filter(c -> namespace.equals(c.getMetadata().getNamespace()))
                    .forEach(this::claimChanged);
        }
    }

    /** Stops the informers and the worker; objects still waiting stay as they are. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            informers.forEach(SharedIndexInformer::close);
        } finally {
            queue.close();
        }
    }

    // ---- what each change queues ---------------------------------------------------------------

    private void claimChanged(PersistentVolumeClaim claim) {
        String namespace = claim.getMetadata().getNamespace();
        String name = claim.getMetadata().getName();
        if (!Provisioner.isSettled(claim)) {
            queue.submit("pvc:" + namespace + "/" + name, () -> provisioner.reconcile(namespace, name));
        } else if (snapshots != null) {
            // A snapshot that waited for this claim to be bound can go on now.
            snapshots.getStore().list().stream()
                    .filter(s -> namespace.equals(s.getMetadata().getNamespace()))
                    .filter(s -> name.equals(Resources.string(s, "spec", "source", "persistentVolumeClaimName")))
                    .forEach(this::snapshotChanged);
        }
    }

    private void claimDeleted(PersistentVolumeClaim claim) {
        queue.submit("pvc-deleted:" + claim.getMetadata().getUid(), () -> provisioner.release(claim));
    }

    private void snapshotChanged(GenericKubernetesResource snapshot) {
        String namespace = snapshot.getMetadata().getNamespace();
        String name = snapshot.getMetadata().getName();
        if (!SnapshotController.isSettled(snapshot)) {
            queue.submit("vs:" + namespace + "/" + name, () -> snapshotController.reconcileSnapshot(namespace, name));
        } else if (claims != null) {
            // Claims restored from this snapshot waited for it to be ready.
            claims.getStore().list().stream()
                    .filter(c -> namespace.equals(c.getMetadata().getNamespace()))
                    .filter(c -> restoresFrom(c, name))
                    .forEach(this::claimChanged);
        }
    }

    private static boolean restoresFrom(PersistentVolumeClaim claim, String snapshotName) {
        var spec = claim.getSpec();
        return (spec.getDataSourceRef() != null && snapshotName.equals(spec.getDataSourceRef().getName()))
                || (spec.getDataSource() != null && snapshotName.equals(spec.getDataSource().getName()));
    }

    private void snapshotDeleted(GenericKubernetesResource snapshot) {
        queue.submit("vs-deleted:" + snapshot.getMetadata().getUid(), () -> snapshotController.snapshotDeleted(snapshot));
    }

    private void contentChanged(GenericKubernetesResource content) {
        String name = content.getMetadata().getName();
        if (!SnapshotController.isContentSettled(content)) {
            queue.submit("vsc:" + name, () -> snapshotController.reconcileContent(name));
        }
        String refNamespace = Resources.string(content, "spec", "volumeSnapshotRef", "namespace");
        String refName = Resources.string(content, "spec", "volumeSnapshotRef", "name");
        if (refNamespace != null && refName != null && snapshots != null) {
            GenericKubernetesResource snapshot = snapshots.getStore().getByKey(refNamespace + "/" + refName);
            if (snapshot != null) {
                snapshotChanged(snapshot);
            }
        }
    }

    private void contentDeleted(GenericKubernetesResource content) {
        queue.submit("vsc-deleted:" + content.getMetadata().getUid(), () -> snapshotController.contentDeleted(content));
    }

    /** Informer callbacks only queue work; a failure in one is logged so the informer keeps delivering. */
    private static <T extends HasMetadata> ResourceEventHandler<T> handler(String kind, Consumer<T> changed,
                                                                           Consumer<T> deleted) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                call(changed, resource);
            }

            @Override
            public void onUpdate(T before, T after) {
                call(changed, after);
            }

            @Override
            public void onDelete(T resource, boolean finalStateUnknown) {
                call(deleted, resource);
            }

            private void call(Consumer<T> callback, T resource) {
                try {
                    callback.accept(resource);
                } catch (RuntimeException e) {
                    LOG.warn("CSI simulator: could not handle a change of {} {}/{}", kind,
                            resource.getMetadata().getNamespace(), resource.getMetadata().getName(), e);
                }
            }
        };
    }
}
