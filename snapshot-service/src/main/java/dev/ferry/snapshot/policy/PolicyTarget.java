package dev.ferry.snapshot.policy;

/**
 * A policy's DR target as written; each field left out falls back to the service's
 * {@code ferry.target.*} setting.
 */
public record PolicyTarget(String region, String resourceGroup, String stagingStorageAccountId) {

    public boolean isEmpty() {
        return region == null && resourceGroup == null && stagingStorageAccountId == null;
    }
}
