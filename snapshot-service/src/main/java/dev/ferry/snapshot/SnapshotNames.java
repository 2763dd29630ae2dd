package dev.ferry.snapshot;

import java.util.Locale;

/**
 * Derives the name of a backup's VolumeSnapshot from its backup and PVC, so that a repeated or
 * redelivered request finds the snapshot it already made: {@code ferry-<backupId>-<pvc uid>}.
 *
 * <p>Both ids are kept whole. Shortened ids collide: backupIds chosen by callers often share a
 * prefix ({@code crm-nightly-2024-05-01}, {@code crm-nightly-2024-05-02}), and UIDs handed out by
 * a counter (the Kubernetes mock's) share their first twelve digits. A VolumeSnapshot name may
 * have 253 characters; this one has at most 106 (a 63-character backupId and a 36-character uid).
 */
public final class SnapshotNames {

    private SnapshotNames() {
    }

    public static String volumeSnapshot(String backupId, String pvcUid) {
        return "ferry-" + part(backupId) + "-" + part(pvcUid);
    }

    private static String part(String id) {
        String part = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "").replaceAll("^-+|-+$", "");
        if (part.isEmpty()) {
            throw new IllegalArgumentException("an id with no letter or digit cannot name a snapshot: '" + id + "'");
        }
        return part;
    }
}
