package dev.ferry.snapshot.kube;

import dev.ferry.snapshot.FerryLabels;
import dev.ferry.snapshot.VolumeSnapshotter;
import dev.ferry.support.wait.KeyedWaits;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * CSI VolumeSnapshots ({@code snapshot.storage.k8s.io/v1}) as fabric8 generic resources: the typed
 * volumesnapshot-client of the platform's fabric8 version does not resolve.
 *
 * <p>Waiting for snapshots to settle uses one informer over Ferry's VolumeSnapshots in every
 * namespace, started on the first wait, as a controller would: one watch connection for every
 * volume of every run, instead of a watch (a connection, a TLS handshake, a list) per volume. If it
 * cannot start (no cluster-wide watch), each wait watches its one object as before.
 */
@ApplicationScoped
public class KubeVolumeSnapshotter implements VolumeSnapshotter {

    private static final Logger LOG = Logger.getLogger(KubeVolumeSnapshotter.class);
    private static final Duration INFORMER_START_TIMEOUT = Duration.ofSeconds(30);

    static final String API_VERSION = "snapshot.storage.k8s.io/v1";
    static final ResourceDefinitionContext VOLUME_SNAPSHOTS = new ResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot").withPlural("volumesnapshots")
            .withNamespaced(true).build();
    static final ResourceDefinitionContext VOLUME_SNAPSHOT_CONTENTS = new ResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshotContent")
            .withPlural("volumesnapshotcontents").withNamespaced(false).build();

    private final KubernetesClient client;
    /** Waits for {@code <namespace>/<name>} to settle, released by the informer. */
    private final KeyedWaits<GenericKubernetesResource> waits = new KeyedWaits<>(snapshot -> state(snapshot).settled());
    private SharedIndexInformer<GenericKubernetesResource> informer;
    private boolean informerFailed;

    public KubeVolumeSnapshotter(KubernetesClient client) {
        this.client = client;
    }

    @PreDestroy
    synchronized void stop() {
        if (informer != null) {
            informer.stop();
        }
    }

    @Override
    public Optional<SnapshotState> find(String namespace, String name) {
        return Optional.ofNullable(client.genericKubernetesResources(VOLUME_SNAPSHOTS).inNamespace(namespace).withName(name).get())
                .map(KubeVolumeSnapshotter::state);
    }

    @Override
    public Optional<SnapshotState> awaitSettled(String namespace, String name, Duration atMost) {
        SharedIndexInformer<GenericKubernetesResource> shared = informer();
        if (shared == null) {
            return awaitSettledAlone(namespace, name, atMost);
        }
        String key = namespace + "/" + name;
        try {
            return waits.await(key, () -> cachedOrLive(shared, key, namespace, name), atMost).map(KubeVolumeSnapshotter::state);
        } catch (TimeoutException e) {
            return current(shared, namespace, name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return current(shared, namespace, name);
        }
    }

    /**
     * The snapshot as the informer has it, or, if it has not seen it, as the API has it: one just created may not
     * have reached the cache yet, and one deleted before the informer listed never will, so a snapshot the API no
     * longer has releases its waits as gone.
     */
    private GenericKubernetesResource cachedOrLive(SharedIndexInformer<GenericKubernetesResource> shared, String key,
            String namespace, String name) {
        GenericKubernetesResource cached = shared.getStore().getByKey(key);
        if (cached != null) {
            return cached;
        }
        GenericKubernetesResource live = client.genericKubernetesResources(VOLUME_SNAPSHOTS).inNamespace(namespace).withName(name).get();
        if (live == null) {
            waits.gone(key);
        }
        return live;
    }

    /** The snapshot as the informer has it (it relists after any lost watch), or as the API does if it has not seen it. */
    private Optional<SnapshotState> current(SharedIndexInformer<GenericKubernetesResource> shared, String namespace, String name) {
        GenericKubernetesResource cached = shared.getStore().getByKey(namespace + "/" + name);
        return cached != null ? Optional.of(state(cached)) : find(namespace, name);
    }

    /** The shared informer over Ferry's VolumeSnapshots, started on the first call; null if it cannot start. */
    private synchronized SharedIndexInformer<GenericKubernetesResource> informer() {
        if (informer != null || informerFailed) {
            return informer;
        }
        SharedIndexInformer<GenericKubernetesResource> candidate = client.genericKubernetesResources(VOLUME_SNAPSHOTS).inAnyNamespace()
                .withLabel(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE).runnableInformer(0);
        candidate.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource snapshot) {
                waits.changed(key(snapshot), snapshot);
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource snapshot) {
                waits.changed(key(snapshot), snapshot);
            }

            @Override
            public void onDelete(GenericKubernetesResource snapshot, boolean finalStateUnknown) {
                waits.gone(key(snapshot));
            }
        });
        try {
            candidate.start().toCompletableFuture().get(INFORMER_START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            informer = candidate;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            candidate.stop();
            informerFailed = true;
            LOG.warnf("cannot watch Ferry's VolumeSnapshots in every namespace (%s); each wait watches its one snapshot instead",
                    e instanceof ExecutionException ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            candidate.stop();
            return null;
        }
        return informer;
    }

    private static String key(GenericKubernetesResource snapshot) {
        return snapshot.getMetadata().getNamespace() + "/" + snapshot.getMetadata().getName();
    }

    /** Waits on a watch of the one object: without the shared informer. */
    private Optional<SnapshotState> awaitSettledAlone(String namespace, String name, Duration atMost) {
        try {
            // fabric8 waits on a watch of the one object; the condition sees null once the object is gone.
            GenericKubernetesResource settled = client.genericKubernetesResources(VOLUME_SNAPSHOTS).inNamespace(namespace).withName(name)
                    .waitUntilCondition(snapshot -> snapshot == null || state(snapshot).settled(), Math.max(1, atMost.toMillis()),
                            TimeUnit.MILLISECONDS);
            return Optional.ofNullable(settled).map(KubeVolumeSnapshotter::state);
        } catch (KubernetesClientTimeoutException e) {
            return find(namespace, name);
        }
    }

    @Override
    public SnapshotState create(SnapshotRequest request) {
        GenericKubernetesResource snapshot = new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION).withKind("VolumeSnapshot")
                .withNewMetadata().withName(request.name()).withNamespace(request.namespace())
                .withLabels(request.labels()).withAnnotations(request.annotations()).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "volumeSnapshotClassName", request.snapshotClass(),
                        "source", Map.of("persistentVolumeClaimName", request.pvcName())))
                .build();
        try {
            return state(client.genericKubernetesResources(VOLUME_SNAPSHOTS).inNamespace(request.namespace()).resource(snapshot).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // A resumed run, another replica or an earlier delivery made it: use what is there.
                LOG.infof("VolumeSnapshot %s/%s exists already", request.namespace(), request.name());
                return find(request.namespace(), request.name()).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    @Override
    public Optional<ContentState> content(String name) {
        GenericKubernetesResource content = client.genericKubernetesResources(VOLUME_SNAPSHOT_CONTENTS).withName(name).get();
        if (content == null) {
            return Optional.empty();
        }
        return Optional.of(new ContentState(name, string(content, "status", "snapshotHandle"),
                string(content, "spec", "source", "volumeHandle"), Boolean.TRUE.equals(value(content, "status", "readyToUse")),
                string(content, "status", "error", "message")));
    }

    @Override
    public List<SnapshotState> list(String namespace, Map<String, String> labels) {
        var all = client.genericKubernetesResources(VOLUME_SNAPSHOTS);
        var items = namespace == null ? all.inAnyNamespace().withLabels(labels).list().getItems()
                : all.inNamespace(namespace).withLabels(labels).list().getItems();
        return items.stream().map(KubeVolumeSnapshotter::state).toList();
    }

    @Override
    public boolean delete(String namespace, String name) {
        return !client.genericKubernetesResources(VOLUME_SNAPSHOTS).inNamespace(namespace).withName(name).delete().isEmpty();
    }

    static SnapshotState state(GenericKubernetesResource snapshot) {
        var metadata = snapshot.getMetadata();
        return new SnapshotState(metadata.getNamespace(), metadata.getName(), string(snapshot, "spec", "source", "persistentVolumeClaimName"),
                metadata.getLabels() == null ? Map.of() : Map.copyOf(metadata.getLabels()),
                metadata.getAnnotations() == null ? Map.of() : Map.copyOf(metadata.getAnnotations()),
                created(snapshot), Boolean.TRUE.equals(value(snapshot, "status", "readyToUse")),
                string(snapshot, "status", "boundVolumeSnapshotContentName"), string(snapshot, "status", "error", "message"),
                metadata.getDeletionTimestamp() != null);
    }

    private static Instant created(GenericKubernetesResource snapshot) {
        String text = string(snapshot, "status", "creationTime");
        if (text == null) {
            text = snapshot.getMetadata().getCreationTimestamp();
        }
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String string(GenericKubernetesResource resource, String... path) {
        Object value = value(resource, path);
        return value == null ? null : value.toString();
    }

    private static Object value(GenericKubernetesResource resource, String... path) {
        Object current = resource.getAdditionalProperties();
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }
}
