package dev.ferry.snapshot.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The backupId of a policy's run, derived from the policy and the fire time, never random: a
 * service that restarts before it recorded the run in the policy's status runs the same fire time
 * under the same id, so the backup finds the VolumeSnapshots it made instead of making more.
 * {@code <policy name, at most 40>-<yyyyMMddHHmm>-<8 hex digits of the policy's uid>}, a DNS-1123
 * label of at most 62 characters.
 */
public final class PolicyBackupIds {

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);
    private static final int NAME_PART = 40;

    private PolicyBackupIds() {
    }

    public static String of(PolicyRef policy, Instant fireTime) {
        String name = policy.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
        if (name.length() > NAME_PART) {
            name = name.substring(0, NAME_PART);
        }
        name = name.replaceAll("^-+|-+$", "");
        String identity = policy.uid() != null ? policy.uid() : policy.namespace() + "/" + policy.name();
        String id = MINUTE.format(fireTime) + "-" + hash(identity);
        return name.isEmpty() ? "policy-" + id : name + "-" + id;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
