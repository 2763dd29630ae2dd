package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;

/**
 * The Azure snapshot in region A that a backup of one volume starts from.
 *
 * @param previousSnapshotId the previous Ferry snapshot of the same disk, if any: the base for an incremental transfer
 */
public record SourceSnapshot(
        ArmResourceId snapshotId,
        ArmResourceId diskId,
        String region,
        @JsonProperty(required = true) long sizeBytes,
        @JsonProperty(required = true) boolean incremental,
        ArmResourceId previousSnapshotId) implements Validatable {

    @Override
    public void validate(Violations v) {
        v.resourceId("snapshotId", snapshotId, "Microsoft.Compute", "snapshots");
        v.resourceId("diskId", diskId, "Microsoft.Compute", "disks");
        v.region("region", region);
        v.positive("sizeBytes", sizeBytes);
        if (previousSnapshotId != null) {
            v.resourceId("previousSnapshotId", previousSnapshotId, "Microsoft.Compute", "snapshots");
            if (previousSnapshotId.equals(snapshotId)) {
                v.add("previousSnapshotId", "must differ from snapshotId");
            }
        }
    }
}
