package dev.ferry.restore;

import dev.ferry.restore.catalog.RestorePoint;

/**
 * Whoever asked for a restore may restore that restore point into that namespace: checked once the restore point is
 * found and before anything is leased or created. The REST API asks the DR cluster's RBAC for the caller; a request
 * that came as an event has no caller and is held to the target namespaces the configuration allows.
 */
@FunctionalInterface
public interface RestoreAccess {

    /**
     * @throws RuntimeException (a 403 problem, or a {@link RestoreRefused}) when the requester may not; nothing was done
     */
    void check(RestorePoint point, String targetNamespace, boolean createNamespace);
}
