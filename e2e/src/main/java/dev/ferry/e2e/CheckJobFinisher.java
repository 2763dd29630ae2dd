package dev.ferry.e2e;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelet and the Job controller for a drill's check Job, which restore-service creates as
 * {@code ferry-drill-check} in the drill's scratch namespace. Nothing in the local stand-ins runs pods: the DR cluster's
 * CSI simulator binds PVCs, but no container ever starts, so the run itself writes the status a real cluster would once
 * the check's container exited (through the Job's status subresource, as the Job controller does): {@code succeeded: 1}
 * and a {@code Complete} condition, or {@code failed: 1} and a {@code Failed} condition.
 */
final class CheckJobFinisher {

    /** The check Job's name in a drill's scratch namespace (restore-service's {@code DrillRunner.CHECK_JOB}). */
    static final String CHECK_JOB = "ferry-drill-check";

    /** How the check's container exited. */
    enum Outcome { SUCCEEDED, FAILED }

    private CheckJobFinisher() {
    }

    /** Waits for the check Job to appear in the namespace and returns it as restore-service created it. */
    static Job await(KubernetesClient dr, String namespace, Duration timeout) {
        try {
            return dr.batch().v1().jobs().inNamespace(namespace).withName(CHECK_JOB)
                    .waitUntilCondition(Objects::nonNull, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            throw new IllegalStateException("no Job " + namespace + "/" + CHECK_JOB + " appeared within " + timeout, e);
        }
    }

    /** Writes the status the Job controller writes when the check's only pod ended so; returns the Job as written. */
    static Job finish(KubernetesClient dr, String namespace, Outcome outcome) {
        String now = Instant.now().toString();
        return dr.batch().v1().jobs().inNamespace(namespace).withName(CHECK_JOB).editStatus(job -> {
            JobStatus status = job.getStatus() == null ? new JobStatus() : job.getStatus();
            if (status.getStartTime() == null) {
                status.setStartTime(now);
            }
            status.setActive(0);
            if (outcome == Outcome.SUCCEEDED) {
                status.setSucceeded(1);
                status.setCompletionTime(now);
                status.getConditions().add(new JobConditionBuilder().withType("Complete").withStatus("True")
                        .withLastProbeTime(now).withLastTransitionTime(now).build());
            } else {
                status.setFailed(1);
                status.getConditions().add(new JobConditionBuilder().withType("Failed").withStatus("True")
                        .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
                        .withLastProbeTime(now).withLastTransitionTime(now).build());
            }
            job.setStatus(status);
            return job;
        });
    }
}
