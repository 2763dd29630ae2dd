package dev.ferry.snapshot.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code POST /api/v1/backups}.
 *
 * @param backupId      optional: a DNS-1123 label chosen by the caller, which makes a retry safe (the same id
 *                      returns the same backup); absent means a new UUID
 * @param labelSelector optional: {@code "app=shop,tier=db"} or {@code {"app": "shop"}}; equality only
 * @param strategy      optional: vhd-full, vhd-incremental or copy-start; absent means the configured one
 * @param copySpeed     optional: standard or enhanced, Azure's copy speed; only with the copy-start strategy
 */
public record BackupBody(String backupId, String namespace, List<String> pvcNames, JsonNode labelSelector, String policy,
                         String strategy, String copySpeed) {
}
