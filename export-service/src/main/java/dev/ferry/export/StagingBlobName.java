package dev.ferry.export;

import dev.ferry.events.arm.ArmResourceId;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a volume's VHD lives in the staging account. Derived from the backup and the PVC, never
 * random, so that a redelivered event or a second replica finds the blob a first attempt began.
 */
public record StagingBlobName(String container, String blobName) {

    /** The container of every VHD Ferry stages. */
    public static final String VHD_CONTAINER = "vhds";
    /** The container of the replicas: one page blob per source disk that incremental transfers keep up to date. */
    public static final String REPLICA_CONTAINER = dev.ferry.events.ReplicaMetadata.CONTAINER;

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

    /**
     * {@code replicas/<subscription>/<resource group>/<disk>.vhd}, in lower case: one name per source disk
     * whatever the case of the id it arrives with. ARM names (at most 90 + 80 characters, no {@code /})
     * keep it far below the 1,024 characters and 254 path segments a blob name may have.
     */
    public static StagingBlobName replicaOf(ArmResourceId diskId) {
        if (!diskId.isOfType("Microsoft.Compute", "disks")) {
            throw new IllegalArgumentException("a replica belongs to a Microsoft.Compute/disks id");
        }
        String name = (diskId.subscriptionId() + "/" + diskId.resourceGroup() + "/" + diskId.name() + ".vhd")
                .toLowerCase(Locale.ROOT);
        return new StagingBlobName(REPLICA_CONTAINER, name);
    }

    @Override
    public String toString() {
        return container + "/" + blobName;
    }
}
