package dev.ferry.e2e;

import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a drill made on the DR cluster, counted by kind through the labels restore-service puts on it: its scratch
 * namespace ({@value #DRILL_ID}), the restored PVCs, VolumeSnapshots and VolumeSnapshotContents (their restore id,
 * {@value #RESTORE_ID}, is the drill's id) and its check Job ({@value #DRILL_ID}), in every namespace.
 */
final class DrillObjects {

    static final String DRILL_ID = "ferry.dev/drill-id";
    static final String RESTORE_ID = "ferry.dev/restore-id";
    /** On a scratch namespace: {@code <source cluster>/<namespace>} of the application drilled. */
    static final String APPLICATION_ANNOTATION = "ferry.dev/drill-application";

    private DrillObjects() {
    }

    /** Per kind, how many of the drill's objects exist now (kinds with none included, as 0). */
    static Map<String, Integer> count(KubernetesClient dr, String drillId) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("Namespace", dr.namespaces().withLabel(DRILL_ID, drillId).list().getItems().size());
        counts.put("PersistentVolumeClaim", dr.persistentVolumeClaims().inAnyNamespace().withLabel(RESTORE_ID, drillId).list()
                .getItems().size());
        counts.put("VolumeSnapshot", dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inAnyNamespace()
                .withLabel(RESTORE_ID, drillId).list().getItems().size());
        counts.put("VolumeSnapshotContent", dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withLabel(RESTORE_ID, drillId).list().getItems().size());
        counts.put("Job", dr.batch().v1().jobs().inAnyNamespace().withLabel(DRILL_ID, drillId).list().getItems().size());
        return counts;
    }

    /** The sum of the counts. */
    static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
