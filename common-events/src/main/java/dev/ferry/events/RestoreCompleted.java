package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Violations;
import java.time.Instant;
import java.util.List;

/**
 * A restore created every PVC of its restore point on the DR cluster.
 *
 * @param recoveryPointAt       when the restored data was snapshotted in region A
 * @param restoreDurationMillis measured from the request to the last PVC being ready
 */
public record RestoreCompleted(
        @JsonProperty(required = true) int schemaVersion,
        String restoreId,
        String correlationId,
        String restorePointId,
        String sourceCluster,
        String sourceNamespace,
        String targetNamespace,
        List<RestoredVolume> volumes,
        Instant recoveryPointAt,
        @JsonProperty(required = true) long restoreDurationMillis,
        Instant startedAt,
        Instant completedAt) implements FerryEvent {

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        v.dnsLabel("restoreId", restoreId);
        v.dnsLabel("restorePointId", restorePointId);
        v.dnsSubdomain("sourceCluster", sourceCluster);
        v.dnsLabel("sourceNamespace", sourceNamespace);
        v.dnsLabel("targetNamespace", targetNamespace);
        v.nonEmpty("volumes", volumes);
        if (volumes != null) {
            for (int i = 0; i < volumes.size(); i++) {
                v.part("volumes[" + i + "]", volumes.get(i));
            }
        }
        v.required("recoveryPointAt", recoveryPointAt);
        v.notNegative("restoreDurationMillis", restoreDurationMillis);
        v.required("startedAt", startedAt);
        if (v.required("completedAt", completedAt) && startedAt != null && completedAt.isBefore(startedAt)) {
            v.add("completedAt", "must not be before startedAt");
        }
    }

    @Override
    public String kafkaKey() {
        return restoreId;
    }

    @Override
    public String subject() {
        return targetNamespace;
    }
}
