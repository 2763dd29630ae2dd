package dev.ferry.snapshot;

import static dev.ferry.localcloud.LocalCloudTestResource.kafka;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The local cloud's source cluster as the ITs set it up: a fresh namespace per test, 1 GiB PVCs that
 * the CSI simulator binds, and events sent as another system would send them.
 */
final class SourceCluster {

    private static final Duration BIND_WAIT = Duration.ofSeconds(60);

    private SourceCluster() {
    }

    static KubernetesClient client() {
        return LocalCloudTestResource.cloud().sourceCluster().client();
    }

    /** A new namespace named {@code <prefix>-<8 random hex>}. */
    static String namespace(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    /** A 1 GiB claim of the Azure disk class, returned once the CSI simulator has bound it. */
    static PersistentVolumeClaim boundClaim(String namespace, String name, Map<String, String> labels) {
        createClaim(namespace, name, LocalCloud.STORAGE_CLASS, labels);
        Instant deadline = Instant.now().plus(BIND_WAIT);
        while (Instant.now().isBefore(deadline)) {
            PersistentVolumeClaim claim = client().persistentVolumeClaims().inNamespace(namespace).withName(name).get();
            if (claim != null && claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase())) {
                return claim;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("PVC " + namespace + "/" + name + " was not Bound within " + BIND_WAIT);
    }

    /** A 1 GiB ReadWriteOnce claim of the storage class, not waited for. */
    static void createClaim(String namespace, String name, String storageClass, Map<String, String> labels) {
        client().persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().withStorageClassName(storageClass).withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec()
                .build()).create();
    }

    /** Sends the event to its topic as a CloudEvent from {@code from}, keyed as the contract says. */
    static void send(FerryEvent event, EventSource from) {
        EventEnvelope envelope = EventEnvelope.of(event, from, Clock.systemUTC());
        kafka().send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.write(event));
    }
}
