package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Violations;

/** A CSI snapshot of one PVC is ready in region A; the transfer to region B can start. */
public record SnapshotTaken(
        @JsonProperty(required = true) int schemaVersion,
        String backupId,
        String correlationId,
        VolumeBackup volume) implements VolumeEvent {

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        v.dnsLabel("backupId", backupId);
        v.part("volume", volume);
    }
}
