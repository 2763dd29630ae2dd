package dev.ferry.export;

import java.util.Objects;

/**
 * Where a volume's VHD lives in the staging account. Derived from the backup and the PVC, never
 * random, so that a redelivered event or a second replica finds the blob a first attempt began.
 */
public record StagingBlobName(String container, String blobName) {

    /** The container of every VHD Ferry stages. */
    public static final String VHD_CONTAINER = "vhds";

    public StagingBlobName {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(blobName, "blobName");
    }

    /** {@code vhds/<backupId>/<pvcUid>.vhd}. */
    public static StagingBlobName forVolume(String backupId, String pvcUid) {
        if (backupId == null || backupId.isBlank() || backupId.contains("/")) {
            throw new IllegalArgumentException("backupId must be a non-empty name without '/'");
        }
        if (pvcUid == null || pvcUid.isBlank() || pvcUid.contains("/")) {
            throw new IllegalArgumentException("pvcUid must be a non-empty name without '/'");
        }
        return new StagingBlobName(VHD_CONTAINER, backupId + "/" + pvcUid + ".vhd");
    }

    @Override
    public String toString() {
        return container + "/" + blobName;
    }
}
