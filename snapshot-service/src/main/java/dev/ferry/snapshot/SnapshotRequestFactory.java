package dev.ferry.snapshot;

import dev.ferry.snapshot.VolumeSnapshotter.SnapshotRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the VolumeSnapshot a run asks for of one PVC: its derived name, and the labels and
 * annotations that are the run's durable record (what {@link BackupRuns} rebuilds a run from, and
 * what retention and a later run's base search select by).
 */
final class SnapshotRequestFactory {

    private final String snapshotClass;

    SnapshotRequestFactory(String snapshotClass) {
        this.snapshotClass = snapshotClass;
    }

    SnapshotRequest request(BackupRun run, Claim claim) {
        return new SnapshotRequest(claim.namespace(), SnapshotNames.volumeSnapshot(run.backupId(), claim.uid()), claim.name(),
                snapshotClass, labels(run, claim), annotations(run, claim));
    }

    /** What selects the snapshot; the names go in only where they fit a label value (the annotations always have them). */
    private static Map<String, String> labels(BackupRun run, Claim claim) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE);
        labels.put(FerryLabels.BACKUP_ID, run.backupId());
        labels.put(FerryLabels.PVC_UID, claim.uid());
        if (claim.name().length() <= FerryLabels.MAX_LABEL_VALUE) {
            labels.put(FerryLabels.PVC, claim.name());
        }
        if (run.policy().length() <= FerryLabels.MAX_LABEL_VALUE) {
            labels.put(FerryLabels.POLICY, run.policy());
        }
        return labels;
    }

    private static Map<String, String> annotations(BackupRun run, Claim claim) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(FerryLabels.PVC, claim.name());
        annotations.put(FerryLabels.POLICY, run.policy());
        annotations.put(FerryLabels.POLICY_REF, run.policyRef());
        annotations.put(FerryLabels.REQUESTED_AT, run.requestedAt().toString());
        annotations.put(FerryLabels.CORRELATION_ID, run.correlationId());
        annotations.put(FerryLabels.VOLUME_INDEX, Integer.toString(run.volumeIndex(claim.uid())));
        annotations.put(FerryLabels.VOLUME_COUNT, Integer.toString(run.volumeCount()));
        annotations.put(FerryLabels.STRATEGY, run.strategy().wireName());
        if (run.requestedBy() != null) {
            annotations.put(FerryLabels.REQUESTED_BY, run.requestedBy());
        }
        return annotations;
    }
}
