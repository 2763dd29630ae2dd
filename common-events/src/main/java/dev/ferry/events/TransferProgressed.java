package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Violations;
import java.time.Instant;
import java.util.Set;

/**
 * How far one volume's transfer has got; sent at most every few seconds while data moves, and when a
 * transfer has to wait its turn under Azure's limits.
 *
 * @param waitingFor why the transfer has not started yet ({@link #WAITING_FOR}); absent once data moves
 */
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
        String waitingFor,
        Instant reportedAt) implements FerryEvent {

    /** An earlier snapshot of the same disk is still being copied: Azure copies a disk's snapshots one at a time, in order. */
    public static final String WAITING_FOR_EARLIER_COPY = "earlier-copy-of-disk";
    /** The target region has as many copies in progress as Azure allows. */
    public static final String WAITING_FOR_REGION_LIMIT = "region-copy-limit";
    /** Azure refused a request for now (HTTP 429 or another answer worth a later attempt). */
    public static final String WAITING_FOR_THROTTLING = "azure-throttling";
    public static final Set<String> WAITING_FOR = Set.of(WAITING_FOR_EARLIER_COPY, WAITING_FOR_REGION_LIMIT, WAITING_FOR_THROTTLING);

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
        if (waitingFor != null) {
            v.oneOf("waitingFor", waitingFor, WAITING_FOR);
            if (bytesDone != 0) {
                v.add("bytesDone", "must be 0 while the transfer waits (waitingFor " + waitingFor + ") but is " + bytesDone);
            }
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
