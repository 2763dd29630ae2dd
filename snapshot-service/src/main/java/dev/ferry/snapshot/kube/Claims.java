package dev.ferry.snapshot.kube;

import dev.ferry.snapshot.Claim;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/** Maps a fabric8 PersistentVolumeClaim and the PersistentVolume it is bound to into a {@link Claim}. */
final class Claims {

    private Claims() {
    }

    /** The claim; {@code volume} is the bound PV, or null when there is none. */
    static Claim of(PersistentVolumeClaim pvc, PersistentVolume volume) {
        var metadata = pvc.getMetadata();
        var spec = pvc.getSpec();
        var status = pvc.getStatus();
        String storageClass = spec.getStorageClassName();
        if ((storageClass == null || storageClass.isEmpty()) && volume != null) {
            storageClass = volume.getSpec().getStorageClassName();
        }
        long requested = bytes(spec.getResources() == null ? null : spec.getResources().getRequests());
        long capacity = bytes(status == null ? null : status.getCapacity());
        if (capacity <= 0 && volume != null) {
            capacity = bytes(volume.getSpec().getCapacity());
        }
        List<String> accessModes = spec.getAccessModes() == null ? List.of() : List.copyOf(spec.getAccessModes());
        var csi = volume == null || volume.getSpec() == null ? null : volume.getSpec().getCsi();
        return new Claim(metadata.getNamespace(), metadata.getName(), metadata.getUid(), storageClass, accessModes,
                spec.getVolumeMode() == null ? "Filesystem" : spec.getVolumeMode(), requested, capacity,
                metadata.getLabels() == null ? Map.of() : Map.copyOf(metadata.getLabels()),
                status == null ? null : status.getPhase(), metadata.getDeletionTimestamp() != null, spec.getVolumeName(),
                csi == null ? null : csi.getDriver(), csi == null ? null : csi.getVolumeHandle());
    }

    /** The {@code storage} quantity of a resource list in bytes, 0 when absent. */
    static long bytes(Map<String, Quantity> resources) {
        if (resources == null || resources.get("storage") == null) {
            return 0;
        }
        return resources.get("storage").getNumericalAmount().longValue();
    }
}
