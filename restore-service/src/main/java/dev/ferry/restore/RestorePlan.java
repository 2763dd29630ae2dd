package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A restore request that passed admission: the restore point it resolved to (leased for it until
 * the restore ends), where it goes and with which storage classes. Nothing exists on the DR cluster yet.
 *
 * @param storageClasses       the DR storage class of each volume, by volume index
 * @param firstConsumerClasses those of the classes that bind on first consumer: their PVCs are ready once created
 * @param receivedAt           when the request arrived; the restore time runs from here
 */
public record RestorePlan(RestoreRequested request, RestorePoint point, String targetNamespace, Map<Integer, String> storageClasses,
                          Set<String> firstConsumerClasses, Instant receivedAt) {

    public RestorePlan {
        storageClasses = Map.copyOf(storageClasses);
        firstConsumerClasses = Set.copyOf(firstConsumerClasses);
    }

    public String restoreId() {
        return request.restoreId();
    }
}
