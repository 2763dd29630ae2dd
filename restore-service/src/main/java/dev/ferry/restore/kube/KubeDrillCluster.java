package dev.ferry.restore.kube;

import dev.ferry.restore.VolumeRestorer;
import dev.ferry.restore.drill.DrillCluster;
import dev.ferry.restore.drill.DrillLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The DR cluster through the fabric8 client, for drills: the scratch namespace, the check Job, and the removal of the
 * drill's objects by label. The namespace goes last and only when it carries the drill's id.
 */
@ApplicationScoped
public class KubeDrillCluster implements DrillCluster {

    private final KubernetesClient client;

    public KubeDrillCluster(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public boolean createScratchNamespace(String namespace, Map<String, String> labels, Map<String, String> annotations) {
        return KubeDrCluster.createIfAbsent(() -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withName(namespace).withLabels(labels).withAnnotations(annotations).endMetadata().build()).create());
    }

    @Override
    public List<ScratchNamespace> scratchNamespaces() {
        return client.namespaces().withLabel(DrillLabels.DRILL_ID).list().getItems().stream()
                .map(n -> new ScratchNamespace(n.getMetadata().getName(), orEmpty(n.getMetadata().getLabels()),
                        orEmpty(n.getMetadata().getAnnotations()), created(n)))
                .toList();
    }

    private static Instant created(HasMetadata object) {
        String at = object.getMetadata().getCreationTimestamp();
        return at == null ? Instant.EPOCH : Instant.parse(at);
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    @Override
    public void createJob(CheckJob job) {
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        for (int i = 0; i < job.claims().size(); i++) {
            String claim = job.claims().get(i);
            volumes.add(new VolumeBuilder().withName("restored-" + i).withNewPersistentVolumeClaim().withClaimName(claim)
                    .withReadOnly(true).endPersistentVolumeClaim().build());
            mounts.add(new VolumeMountBuilder().withName("restored-" + i).withMountPath("/restored/" + claim).withReadOnly(true).build());
        }
        Job created = new JobBuilder().withNewMetadata().withName(job.name()).withNamespace(job.namespace()).withLabels(job.labels())
                .endMetadata()
                .withNewSpec().withBackoffLimit(0).withActiveDeadlineSeconds(job.deadline().toSeconds())
                .withNewTemplate().withNewMetadata().withLabels(job.labels()).endMetadata()
                // Pod Security "restricted": no API token, no root, no privilege escalation, no capabilities.
                .withNewSpec().withRestartPolicy("Never").withVolumes(volumes).withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNewSecurityContext().withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewContainer().withName("check").withImage(job.image()).withCommand(job.command()).withVolumeMounts(mounts)
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .endContainer().endSpec().endTemplate().endSpec().build();
        KubeDrCluster.createIfAbsent(() -> client.batch().v1().jobs().inNamespace(job.namespace()).resource(created).create());
    }

    @Override
    public Optional<JobState> jobState(String namespace, String name) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(namespace).withName(name).get()).map(KubeDrillCluster::state);
    }

    /** Succeeded or failed as the Job controller says in its conditions (Complete, Failed) or counts; else running. */
    static JobState state(Job job) {
        if (job.getStatus() == null) {
            return JobState.RUNNING;
        }
        for (JobCondition condition : job.getStatus().getConditions()) {
            if ("True".equals(condition.getStatus()) && "Complete".equals(condition.getType())) {
                return JobState.SUCCEEDED;
            }
            if ("True".equals(condition.getStatus()) && "Failed".equals(condition.getType())) {
                return JobState.FAILED;
            }
        }
        if (job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() > 0) {
            return JobState.SUCCEEDED;
        }
        if (job.getStatus().getFailed() != null && job.getStatus().getFailed() > 0) {
            return JobState.FAILED;
        }
        return JobState.RUNNING;
    }

    @Override
    public void awaitJobFinished(String namespace, String name, Duration atMost) {
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(name)
                    .waitUntilCondition(job -> job == null || state(job) != JobState.RUNNING, Math.max(1, atMost.toMillis()),
                            TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            // Still running: the caller reads the Job again and decides.
        }
    }

    @Override
    public void deleteDrillObjects(String namespace, String drillId) {
        // The check Job first, with its pods, so that the PVCs are no longer in use.
        client.batch().v1().jobs().inNamespace(namespace).withLabel(DrillLabels.DRILL_ID, drillId)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        client.persistentVolumeClaims().inNamespace(namespace).withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId).delete();
        client.genericKubernetesResources(KubeDrCluster.VOLUME_SNAPSHOTS).inNamespace(namespace)
                .withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId).delete();
        // Retain: the region-B snapshots behind them stay, as the catalog needs them.
        client.genericKubernetesResources(KubeDrCluster.VOLUME_SNAPSHOT_CONTENTS).withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId)
                .delete();
        Namespace scratch = client.namespaces().withName(namespace).get();
        if (scratch != null && drillId.equals(orEmpty(scratch.getMetadata().getLabels()).get(DrillLabels.DRILL_ID))) {
            client.namespaces().withName(namespace).delete();
        }
    }

    @Override
    public Map<String, Integer> drillObjects(String namespace, String drillId) {
        Map<String, Integer> left = new LinkedHashMap<>();
        Namespace scratch = client.namespaces().withName(namespace).get();
        if (scratch != null && drillId.equals(orEmpty(scratch.getMetadata().getLabels()).get(DrillLabels.DRILL_ID))) {
            left.put("Namespace", 1);
            count(left, "Job", client.batch().v1().jobs().inNamespace(namespace).withLabel(DrillLabels.DRILL_ID, drillId).list()
                    .getItems().size());
            count(left, "PersistentVolumeClaim", client.persistentVolumeClaims().inNamespace(namespace)
                    .withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId).list().getItems().size());
            count(left, "VolumeSnapshot", client.genericKubernetesResources(KubeDrCluster.VOLUME_SNAPSHOTS).inNamespace(namespace)
                    .withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId).list().getItems().size());
        }
        count(left, "VolumeSnapshotContent", client.genericKubernetesResources(KubeDrCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId).list().getItems().size());
        return left;
    }

    private static void count(Map<String, Integer> left, String kind, int count) {
        if (count > 0) {
            left.put(kind, count);
        }
    }
}
