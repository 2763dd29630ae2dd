package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Violations;
import java.time.Instant;

/** How far one volume's transfer has got; sent at most every few seconds while data moves. */
public record TransferProgressed(
        @JsonProperty(required = true) int schemaVersion,
        String backupId,
        String correlationId,
        String namespace,
        String pvcName,
        ArmResourceId sourceDiskId,
        ArmResourceId sourceSnapshotId,
        String engine,
        @JsonProperty(required = true) long bytesDone,
        @JsonProperty(required = true) long bytesTotal,
        Instant reportedAt) implements FerryEvent {

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        v.dnsLabel("backupId", backupId);
        v.dnsLabel("namespace", namespace);
        v.dnsSubdomain("pvcName", pvcName);
        v.resourceId("sourceDiskId", sourceDiskId, "Microsoft.Compute", "disks");
        v.resourceId("sourceSnapshotId", sourceSnapshotId, "Microsoft.Compute", "snapshots");
        v.oneOf("engine", engine, TransferStats.ENGINES);
        v.notNegative("bytesDone", bytesDone);
        v.positive("bytesTotal", bytesTotal);
        if (bytesDone > bytesTotal) {
            v.add("bytesDone", "must not exceed bytesTotal (" + bytesTotal + ") but is " + bytesDone);
        }
        v.required("reportedAt", reportedAt);
    }

    @Override
    public String kafkaKey() {
        return sourceDiskId.canonical();
    }

    @Override
    public String subject() {
        return namespace + "/" + pvcName;
    }
}
