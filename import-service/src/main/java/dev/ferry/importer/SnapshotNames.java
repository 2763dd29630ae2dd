package dev.ferry.importer;

import java.util.Locale;

/**
 * Derives the name of a region-B snapshot from its backup and PVC, so that a redelivered event
 * finds the snapshot it already made: {@code ferry-<12 of backupId>-<12 of pvc uid>}, well
 * under Azure's 80 characters.
 */
public final class SnapshotNames {

    private static final int PART = 12;

    private SnapshotNames() {
    }

    public static String of(String backupId, String pvcUid) {
        return "ferry-" + shortened(backupId) + "-" + shortened(pvcUid);
    }

    private static String shortened(String id) {
        String compact = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return compact.length() <= PART ? compact : compact.substring(0, PART);
    }
}
