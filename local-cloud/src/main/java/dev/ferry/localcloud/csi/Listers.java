package dev.ferry.localcloud.csi;

import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The simulator's reads of claims, VolumeSnapshots and contents, served from its informers' caches
 * as a real controller reads from its listers, instead of one API request per read. A miss (the
 * object's event is not in yet, or the informers have not started) reads through to the API, so
 * nothing is reported missing that exists. Callers never change what they get: it is the cache's copy.
 */
final class Listers {

    private final KubernetesClient client;
    private volatile SharedIndexInformer<PersistentVolumeClaim> claims;
    private volatile SharedIndexInformer<GenericKubernetesResource> snapshots;
    private volatile SharedIndexInformer<GenericKubernetesResource> contents;

    Listers(KubernetesClient client) {
        this.client = client;
    }

    void serveFrom(SharedIndexInformer<PersistentVolumeClaim> claims, SharedIndexInformer<GenericKubernetesResource> snapshots,
                   SharedIndexInformer<GenericKubernetesResource> contents) {
        this.claims = claims;
        this.snapshots = snapshots;
        this.contents = contents;
    }

    PersistentVolumeClaim claim(String namespace, String name) {
        PersistentVolumeClaim cached = claims == null ? null : claims.getStore().getByKey(namespace + "/" + name);
        return cached != null ? cached : client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
    }

    GenericKubernetesResource snapshot(String namespace, String name) {
        GenericKubernetesResource cached = snapshots == null ? null : snapshots.getStore().getByKey(namespace + "/" + name);
        return cached != null ? cached
                : client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace(namespace).withName(name).get();
    }

    GenericKubernetesResource content(String name) {
        GenericKubernetesResource cached = contents == null ? null : contents.getStore().getByKey(name);
        return cached != null ? cached : client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).withName(name).get();
    }
}
