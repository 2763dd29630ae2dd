package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;

/**
 * A fixed-VHD page blob in the DR region's staging account.
 *
 * @param url       the blob's URL, never with a SAS or any query
 * @param container {@code vhds} for a VHD made for this backup (deleted after its import), {@code replicas} for the
 *                  disk's replica of the {@code vhd-incremental} transfer (imported in place and kept)
 * @param sizeBytes the blob's length: the disk size plus the 512-byte VHD footer
 */
public record VhdBlob(
        String url,
        ArmResourceId storageAccountId,
        String container,
        String blobName,
        @JsonProperty(required = true) long sizeBytes) implements Validatable {

    /** Length of the fixed-VHD footer at the end of the blob. */
    public static final int FOOTER_BYTES = 512;

    @Override
    public void validate(Violations v) {
        v.urlWithoutQuery("url", url);
        v.resourceId("storageAccountId", storageAccountId, "Microsoft.Storage", "storageAccounts");
        v.dnsLabel("container", container);
        v.text("blobName", blobName);
        if (sizeBytes <= FOOTER_BYTES || (sizeBytes - FOOTER_BYTES) % (1024 * 1024) != 0) {
            v.add("sizeBytes", "must be a whole number of MiB plus the 512-byte footer but is " + sizeBytes);
        }
    }
}
