package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Violations;

/** The snapshot's data is a fixed-VHD page blob in region B, ready to be imported. */
public record VhdExported(
        @JsonProperty(required = true) int schemaVersion,
        String backupId,
        String correlationId,
        VolumeBackup volume,
        VhdBlob vhd,
        TransferStats transfer) implements VolumeEvent {

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        v.dnsLabel("backupId", backupId);
        v.part("volume", volume);
        v.part("vhd", vhd);
        v.part("transfer", transfer);
    }
}
