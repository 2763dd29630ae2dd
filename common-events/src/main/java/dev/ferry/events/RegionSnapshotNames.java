package dev.ferry.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Derives the name of a region-B snapshot from its backup and PVC, so that a redelivered event
 * finds the snapshot it already made: {@code ferry-<backupId>-<pvc uid>} without hyphens, each part
 * kept whole when it fits and otherwise shortened with a hash of the whole, so that two ids that
 * share a prefix never share a name; at most 75 characters, under Azure's 80.
 */
public final class RegionSnapshotNames {

    private static final int BACKUP_PART = 36;
    private static final int PVC_PART = 32;
    private static final int HASH = 8;

    private RegionSnapshotNames() {
    }

    public static String of(String backupId, String pvcUid) {
        return "ferry-" + part(backupId, BACKUP_PART) + "-" + part(pvcUid, PVC_PART);
    }

    private static String part(String id, int max) {
        String compact = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (compact.length() <= max) {
            return compact;
        }
        return compact.substring(0, max - HASH) + sha256(id).substring(0, HASH);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
