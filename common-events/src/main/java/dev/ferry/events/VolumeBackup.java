package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.arm.AzureRegion;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;
import java.time.Instant;

/**
 * Everything about one volume of one backup that every later step needs, so that no step reads
 * back from region A. {@link SnapshotTaken} introduces it and every later event of the volume
 * carries it forward unchanged.
 *
 * @param policy      the backup policy that caused the backup, or {@code manual} for one-off requests
 * @param volumeIndex the volume's position in its backup, from 0
 * @param volumeCount how many volumes the backup has; a restore point is complete when all arrived
 * @param copySpeed   Azure's copy speed for the {@code copy-start} strategy; absent means export-service's
 *                    configured speed, and with any other strategy it must be absent
 * @param takenAt     when the source snapshot was taken: the recovery point
 * @param objectives  the recovery objectives of the BackupPolicy that caused the backup; absent for one-off backups and
 *                    for policies that state none
 */
public record VolumeBackup(
        String policy,
        String sourceCluster,
        String namespace,
        PvcSpec pvc,
        @JsonProperty(required = true) int volumeIndex,
        @JsonProperty(required = true) int volumeCount,
        SourceSnapshot source,
        DrTarget target,
        TransferStrategy strategy,
        CopySpeed copySpeed,
        Instant takenAt,
        RecoveryObjectives objectives) implements Validatable {

    /** A volume of a backup without recovery objectives (a one-off backup, or a policy that states none). */
    public VolumeBackup(String policy, String sourceCluster, String namespace, PvcSpec pvc, int volumeIndex, int volumeCount,
                        SourceSnapshot source, DrTarget target, TransferStrategy strategy, CopySpeed copySpeed, Instant takenAt) {
        this(policy, sourceCluster, namespace, pvc, volumeIndex, volumeCount, source, target, strategy, copySpeed, takenAt, null);
    }

    @Override
    public void validate(Violations v) {
        v.dnsSubdomain("policy", policy);
        v.dnsSubdomain("sourceCluster", sourceCluster);
        v.dnsLabel("namespace", namespace);
        v.part("pvc", pvc);
        if (volumeCount < 1) {
            v.add("volumeCount", "must be at least 1 but is " + volumeCount);
        }
        if (volumeIndex < 0 || volumeIndex >= Math.max(volumeCount, 1)) {
            v.add("volumeIndex", "must be from 0 to volumeCount - 1 but is " + volumeIndex);
        }
        v.part("source", source);
        v.part("target", target);
        v.required("strategy", strategy);
        if (copySpeed != null && strategy != null && strategy != TransferStrategy.COPY_START) {
            v.add("copySpeed", "applies only to the copy-start strategy, not to " + strategy.wireName());
        }
        v.required("takenAt", takenAt);
        v.optionalPart("objectives", objectives);
        if (source != null && target != null && source.region() != null
                && AzureRegion.same(source.region(), target.region())) {
            v.add("target.region", "must differ from source.region (" + source.region() + "): Ferry copies across regions");
        }
    }

    /** The Kafka key of every event about this volume: the source disk id in lower case. */
    public String volumeKey() {
        return source.diskId().canonical();
    }

    /** {@code <namespace>/<pvc>}: the CloudEvents subject of every event about this volume. */
    public String subject() {
        return namespace + "/" + pvc.name();
    }
}
