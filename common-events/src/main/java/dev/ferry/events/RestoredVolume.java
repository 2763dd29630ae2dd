package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;
import java.util.Set;

/**
 * One PVC that a restore created on the DR cluster, from a region-B snapshot.
 *
 * @param phase the PVC's phase when the restore finished: {@code Bound}, or {@code Pending} for
 *              storage classes that bind on first consumer
 */
public record RestoredVolume(
        String pvcName,
        ArmResourceId snapshotId,
        String storageClassName,
        @JsonProperty(required = true) long sizeBytes,
        String phase) implements Validatable {

    public static final Set<String> PHASES = Set.of("Bound", "Pending");

    @Override
    public void validate(Violations v) {
        v.dnsSubdomain("pvcName", pvcName);
        v.resourceId("snapshotId", snapshotId, "Microsoft.Compute", "snapshots");
        v.dnsSubdomain("storageClassName", storageClassName);
        v.positive("sizeBytes", sizeBytes);
        v.oneOf("phase", phase, PHASES);
    }
}
