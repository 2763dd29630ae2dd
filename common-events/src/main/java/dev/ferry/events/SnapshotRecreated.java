package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Violations;
import java.time.Instant;
import java.util.Set;

/**
 * A managed snapshot of the volume exists in region B: the off-site copy, ready to restore from.
 *
 * @param method               {@code import} (from a VHD) or {@code copy-start} (Azure's native copy)
 * @param transfer             the data transfer that preceded it
 * @param importDurationMillis how long the import took; absent for copy-start
 */
public record SnapshotRecreated(
        @JsonProperty(required = true) int schemaVersion,
        String backupId,
        String correlationId,
        VolumeBackup volume,
        ArmResourceId targetSnapshotId,
        @JsonProperty(required = true) long targetSizeBytes,
        String method,
        TransferStats transfer,
        Long importDurationMillis,
        Instant recreatedAt) implements VolumeEvent {

    public static final Set<String> METHODS = Set.of("import", "copy-start");

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        v.dnsLabel("backupId", backupId);
        v.part("volume", volume);
        v.resourceId("targetSnapshotId", targetSnapshotId, "Microsoft.Compute", "snapshots");
        v.positive("targetSizeBytes", targetSizeBytes);
        v.oneOf("method", method, METHODS);
        v.part("transfer", transfer);
        if (importDurationMillis != null) {
            v.notNegative("importDurationMillis", importDurationMillis);
        } else if ("import".equals(method)) {
            v.add("importDurationMillis", "is required when method is import");
        }
        v.required("recreatedAt", recreatedAt);
    }
}
