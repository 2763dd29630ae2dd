package dev.ferry.localcloud.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a request's path is counted: by the resource it names, with a subresource after a slash. */
class KubeClusterRequestsTest {

    @Test
    void theResourceOfEachKindOfPath() {
        assertThat(KubeCluster.resource("/api/v1/namespaces/shop/persistentvolumeclaims/data")).isEqualTo("persistentvolumeclaims");
        assertThat(KubeCluster.resource("/api/v1/namespaces/shop/persistentvolumeclaims?labelSelector=a%3Db")).isEqualTo("persistentvolumeclaims");
        assertThat(KubeCluster.resource("/api/v1/persistentvolumes/pvc-1")).isEqualTo("persistentvolumes");
        assertThat(KubeCluster.resource("/api/v1/namespaces/shop")).isEqualTo("namespaces");
        assertThat(KubeCluster.resource("/apis/snapshot.storage.k8s.io/v1/namespaces/shop/volumesnapshots/vs-1/status"))
                .isEqualTo("volumesnapshots/status");
        assertThat(KubeCluster.resource("/apis/snapshot.storage.k8s.io/v1/volumesnapshotcontents?watch=true")).isEqualTo("volumesnapshotcontents");
        assertThat(KubeCluster.resource("/apis/snapshot.storage.k8s.io/v1/volumesnapshotcontents/c-1/status"))
                .isEqualTo("volumesnapshotcontents/status");
    }
}
