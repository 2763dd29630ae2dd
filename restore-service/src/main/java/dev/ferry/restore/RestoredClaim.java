package dev.ferry.restore;

import java.util.List;
import java.util.Map;

/**
 * The PVC a restore creates: the original's name, labels, access modes and mode, the mapped storage
 * class, and a VolumeSnapshot as its data source.
 *
 * @param requestBytes the storage it requests: the original request, at least the snapshot's size
 */
public record RestoredClaim(String namespace, String name, Map<String, String> labels, Map<String, String> annotations,
                            List<String> accessModes, String volumeMode, String storageClassName, long requestBytes,
                            String snapshotName) {
}
