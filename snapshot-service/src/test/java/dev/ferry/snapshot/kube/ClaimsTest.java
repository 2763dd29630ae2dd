package dev.ferry.snapshot.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.PvcSpec;
import dev.ferry.snapshot.Claim;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping from a PVC and its PV to the PvcSpec that SnapshotTaken carries, and who is eligible. */
class ClaimsTest {

    private static final String UID = "0b4c1a9e-6f3d-4e2a-8c7b-5d9e0f1a2b3c";
    private static final String DISK = "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/mc_rg/providers/Microsoft.Compute/disks/pvc-1";

    @Test
    void aBoundAzureDiskClaimMapsEveryField() {
        Claim claim = Claims.of(claim("Bound", "managed-csi", "10Gi", "12Gi"), volume("disk.csi.azure.com", DISK, "managed-csi", "12Gi"));

        assertThat(claim.ineligibility()).isEmpty();
        assertThat(claim.volumeHandle()).isEqualTo(DISK);
        PvcSpec spec = claim.toPvcSpec();
        assertThat(spec).isEqualTo(new PvcSpec("orders-db", UID, "managed-csi", List.of("ReadWriteOnce"), "Block",
                10L << 30, 12L << 30, Map.of("app", "shop")));
        spec.validate(new dev.ferry.events.validation.Violations());
    }

    @Test
    void takesTheStorageClassAndCapacityFromThePvWhenTheClaimLacksThem() {
        PersistentVolumeClaim pvc = claim("Bound", null, "5Gi", null);
        Claim claim = Claims.of(pvc, volume("disk.csi.azure.com", DISK, "managed-csi-premium", "8Gi"));

        assertThat(claim.toPvcSpec().storageClassName()).isEqualTo("managed-csi-premium");
        assertThat(claim.toPvcSpec().capacityBytes()).isEqualTo(8L << 30);
        assertThat(claim.toPvcSpec().requestedBytes()).isEqualTo(5L << 30);
    }

    @Test
    void namesWhyAClaimCannotBeBackedUp() {
        assertThat(Claims.of(claim("Pending", "managed-csi", "1Gi", null), null).ineligibility())
                .hasValueSatisfying(r -> assertThat(r).contains("not Bound (phase Pending)"));
        assertThat(Claims.of(claim("Bound", "azurefile", "1Gi", "1Gi"), volume("file.csi.azure.com", "rg#acct#share", "azurefile", "1Gi"))
                .ineligibility()).hasValueSatisfying(r -> assertThat(r).contains("file.csi.azure.com"));
        assertThat(Claims.of(claim("Bound", "managed-csi", "1Gi", "1Gi"), null).ineligibility())
                .hasValueSatisfying(r -> assertThat(r).contains("missing or not a CSI volume"));
        assertThat(Claims.of(claim("Bound", "managed-csi", "1Gi", "1Gi"), volume("disk.csi.azure.com", "not-an-id", "managed-csi", "1Gi"))
                .ineligibility()).hasValueSatisfying(r -> assertThat(r).contains("not an Azure disk id"));
    }

    private static PersistentVolumeClaim claim(String phase, String storageClass, String requested, String capacity) {
        PersistentVolumeClaimBuilder builder = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withNamespace("shop").withName("orders-db").withUid(UID).addToLabels("app", "shop").endMetadata()
                .withNewSpec().withStorageClassName(storageClass).withAccessModes("ReadWriteOnce").withVolumeMode("Block")
                .withVolumeName("pvc-" + UID)
                .withNewResources().addToRequests("storage", new Quantity(requested)).endResources().endSpec()
                .withNewStatus().withPhase(phase).endStatus();
        if (capacity != null) {
            builder.editStatus().addToCapacity("storage", new Quantity(capacity)).endStatus();
        }
        return builder.build();
    }

    private static PersistentVolume volume(String driver, String handle, String storageClass, String capacity) {
        return new PersistentVolumeBuilder().withNewMetadata().withName("pvc-" + UID).endMetadata()
                .withNewSpec().withStorageClassName(storageClass).addToCapacity("storage", new Quantity(capacity))
                .withNewCsi().withDriver(driver).withVolumeHandle(handle).endCsi().endSpec().build();
    }
}
