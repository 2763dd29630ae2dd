package dev.ferry.snapshot;

import dev.ferry.events.PvcSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PersistentVolumeClaim as a backup sees it: its spec and status, and the CSI driver and volume
 * handle of the PersistentVolume it is bound to (if any).
 *
 * @param volumeHandle the bound PV's {@code spec.csi.volumeHandle}: for the Azure disk driver, the disk's ARM id
 */
public record Claim(
        String namespace,
        String name,
        String uid,
        String storageClassName,
        List<String> accessModes,
        String volumeMode,
        long requestedBytes,
        long capacityBytes,
        Map<String, String> labels,
        String phase,
        boolean deleting,
        String volumeName,
        String csiDriver,
        String volumeHandle) {

    /** The only CSI driver whose volumes Ferry backs up: Azure managed disks. */
    public static final String AZURE_DISK_DRIVER = "disk.csi.azure.com";

    /** Why this claim cannot be backed up, or empty if it can. */
    public Optional<String> ineligibility() {
        if (deleting) {
            return Optional.of("the PVC is being deleted");
        }
        if (!"Bound".equals(phase)) {
            return Optional.of("the PVC is not Bound (phase " + (phase == null ? "unknown" : phase) + ")");
        }
        if (volumeName == null || volumeName.isEmpty()) {
            return Optional.of("the PVC names no PersistentVolume");
        }
        if (csiDriver == null) {
            return Optional.of("PersistentVolume " + volumeName + " is missing or not a CSI volume");
        }
        if (!AZURE_DISK_DRIVER.equals(csiDriver)) {
            return Optional.of("PersistentVolume " + volumeName + " is of CSI driver " + csiDriver + ", not " + AZURE_DISK_DRIVER);
        }
        if (volumeHandle == null || !volumeHandle.toLowerCase(java.util.Locale.ROOT).contains("/providers/microsoft.compute/disks/")) {
            return Optional.of("PersistentVolume " + volumeName + " has volume handle '" + volumeHandle + "', not an Azure disk id");
        }
        if (storageClassName == null || storageClassName.isEmpty()) {
            return Optional.of("the PVC and its PersistentVolume name no storage class, so the DR side could not recreate it");
        }
        if (requestedBytes <= 0 && capacityBytes <= 0) {
            return Optional.of("the PVC states no size");
        }
        return Optional.empty();
    }

    /** The PVC as SnapshotTaken carries it to the DR side. */
    public PvcSpec toPvcSpec() {
        long requested = requestedBytes > 0 ? requestedBytes : capacityBytes;
        long capacity = capacityBytes > 0 ? capacityBytes : requested;
        return new PvcSpec(name, uid, storageClassName, List.copyOf(accessModes), volumeMode == null ? "Filesystem" : volumeMode,
                requested, capacity, labels == null ? Map.of() : Map.copyOf(labels));
    }
}
