package dev.ferry.events;

import java.util.Map;
import java.util.Set;

/**
 * The tags on every region-B snapshot Ferry makes, by import (import-service) or by Azure's own
 * copy (export-service, {@code copy-start}): they tie the snapshot to its backup and PVC, so that a
 * redelivered event finds the snapshot it made (under {@link RegionSnapshotNames}' name) and the
 * sweeper tells Ferry's snapshots from anyone else's.
 */
public final class RegionSnapshotTags {

    public static final String BACKUP_ID = "ferry.backupId";
    public static final String PVC_UID = "ferry.pvcUid";
    public static final String NAMESPACE = "ferry.namespace";
    public static final String PVC = "ferry.pvc";
    /** The service that made the snapshot: one of {@link #CREATORS}. */
    public static final String CREATED_BY = "ferry.createdBy";
    public static final String BY_IMPORT = "import-service";
    public static final String BY_COPY_START = "export-service";
    public static final Set<String> CREATORS = Set.of(BY_IMPORT, BY_COPY_START);

    private RegionSnapshotTags() {
    }

    /** The tags of the region-B snapshot of one volume of a backup, made by {@code createdBy}. */
    public static Map<String, String> of(String backupId, VolumeBackup volume, String createdBy) {
        return Map.of(BACKUP_ID, backupId, PVC_UID, volume.pvc().uid(), NAMESPACE, volume.namespace(), PVC, volume.pvc().name(),
                CREATED_BY, createdBy);
    }

    /** Whether the tags say Ferry made the snapshot for some backup. */
    public static boolean madeByFerry(Map<String, String> tags) {
        return CREATORS.contains(tags.get(CREATED_BY)) && tags.get(BACKUP_ID) != null;
    }

    /** Whether the tags say the snapshot belongs to this backup's volume of this PVC. */
    public static boolean belongsTo(Map<String, String> tags, String backupId, String pvcUid) {
        return backupId.equals(tags.get(BACKUP_ID)) && pvcUid.equals(tags.get(PVC_UID));
    }
}
