package dev.ferry.restore.api;

import java.util.Map;

/**
 * The body of {@code POST /api/v1/restores}: a restore point by id, or the newest complete one of a
 * namespace ({@code restorePointId} absent or {@code "latest"}).
 *
 * @param restoreId       the restore's id, for retries of the same request (the same id returns the same
 *                        restore); absent means a new UUID
 * @param sourceCluster   the source cluster, when several back up a namespace of that name
 * @param targetNamespace where to restore; absent means the source namespace
 * @param storageClassMap source storage class to DR storage class
 * @param createNamespace create the target namespace if it does not exist (default false)
 * @param allowPartial    restore a restore point that misses volumes (default false)
 */
public record RestoreBody(String restoreId, String restorePointId, String namespace, String sourceCluster, String targetNamespace,
                          Map<String, String> storageClassMap, Boolean createNamespace, Boolean allowPartial, String requestedBy,
                          String correlationId) {

    /** The value of {@code restorePointId} that asks for the newest complete restore point of {@code namespace}. */
    public static final String LATEST = "latest";
}
