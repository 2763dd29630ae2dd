package dev.ferry.snapshot.kube;

import dev.ferry.snapshot.Claim;
import dev.ferry.snapshot.ClusterVolumes;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** PVCs and their PersistentVolumes through the fabric8 client of the source cluster. */
@ApplicationScoped
public class KubeClusterVolumes implements ClusterVolumes {

    private final KubernetesClient client;

    public KubeClusterVolumes(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public boolean namespaceExists(String namespace) {
        return client.namespaces().withName(namespace).get() != null;
    }

    @Override
    public List<Claim> claims(String namespace, Map<String, String> labelSelector) {
        var claims = client.persistentVolumeClaims().inNamespace(namespace);
        List<PersistentVolumeClaim> items = labelSelector.isEmpty() ? claims.list().getItems() : claims.withLabels(labelSelector).list().getItems();
        return items.stream().map(this::withVolume).toList();
    }

    @Override
    public Optional<Claim> claim(String namespace, String name) {
        return Optional.ofNullable(client.persistentVolumeClaims().inNamespace(namespace).withName(name).get()).map(this::withVolume);
    }

    private Claim withVolume(PersistentVolumeClaim pvc) {
        String volumeName = pvc.getSpec().getVolumeName();
        PersistentVolume volume = volumeName == null || volumeName.isEmpty() ? null : client.persistentVolumes().withName(volumeName).get();
        return Claims.of(pvc, volume);
    }
}
