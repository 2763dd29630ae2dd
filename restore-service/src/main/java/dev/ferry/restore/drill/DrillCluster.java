package dev.ferry.restore.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DR cluster as far as a drill needs it beyond the restore itself: its scratch namespace, the application's check
 * Job, and the removal of everything the drill created. Deletes never reach an object without the drill's label.
 */
public interface DrillCluster {

    /**
     * Creates a scratch namespace with these labels and annotations; false when a namespace of that name existed already
     * (it is left alone).
     */
    boolean createScratchNamespace(String namespace, Map<String, String> labels, Map<String, String> annotations);

    /** Every scratch namespace of a drill (labelled {@value DrillLabels#DRILL_ID}), terminating ones included. */
    List<ScratchNamespace> scratchNamespaces();

    /** Creates the check Job in the namespace. */
    void createJob(CheckJob job);

    /** Where the Job stands, read from its status as the Job controller writes it; empty when there is no such Job. */
    Optional<JobState> jobState(String namespace, String name);

    /**
     * Waits, watching the Job rather than reading it again and again, until it has finished, is gone or {@code atMost} has
     * passed.
     */
    void awaitJobFinished(String namespace, String name, Duration atMost);

    /**
     * Deletes what the drill created: in its scratch namespace every Job, PVC and VolumeSnapshot labelled with the drill's id
     * ({@value DrillLabels#DRILL_ID}) or its restore's ({@code ferry.dev/restore-id}, the same id), cluster-wide every
     * VolumeSnapshotContent so labelled, then the namespace, if it carries the drill's id. Nothing without the label is touched.
     */
    void deleteDrillObjects(String namespace, String drillId);

    /** What of the drill still exists, by kind ({@code Namespace}, {@code Job}, ...); kinds with none are left out. */
    Map<String, Integer> drillObjects(String namespace, String drillId);

    /** A drill's scratch namespace as the cluster lists it. */
    record ScratchNamespace(String name, Map<String, String> labels, Map<String, String> annotations, Instant createdAt) {
    }

    /** A Job's state: running, or finished one way or the other. */
    enum JobState { RUNNING, SUCCEEDED, FAILED }

    /**
     * The application's check as a Job: one container, with every restored PVC mounted read-only under
     * {@code /restored/<pvc name>}, run once (no retries), ended by Kubernetes after {@code deadline}.
     */
    record CheckJob(String namespace, String name, Map<String, String> labels, String image, List<String> command,
                    List<String> claims, Duration deadline) {
        public CheckJob {
            labels = Map.copyOf(labels);
            command = List.copyOf(command);
            claims = List.copyOf(claims);
        }
    }
}
