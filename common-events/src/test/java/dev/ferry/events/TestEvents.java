package dev.ferry.events;

import dev.ferry.events.arm.ArmResourceId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small factory of valid events for tests; tests change one field with the records' constructors. */
final class TestEvents {

    static final String SOURCE_SUBSCRIPTION = "6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11";
    static final String DR_SUBSCRIPTION = "9b2d4e63-1a7f-4c8b-8d2e-3b6c8e0f1a22";
    static final ArmResourceId DISK = ArmResourceId.of(SOURCE_SUBSCRIPTION, "MC_Shop_EastUS", "Microsoft.Compute", "disks", "pvc-Orders");
    static final ArmResourceId SNAPSHOT = ArmResourceId.of(SOURCE_SUBSCRIPTION, "MC_Shop_EastUS", "Microsoft.Compute", "snapshots", "snap-1");
    static final ArmResourceId STAGING = ArmResourceId.of(DR_SUBSCRIPTION, "ferry-dr", "Microsoft.Storage", "storageAccounts", "ferrystaging");
    static final Instant TAKEN_AT = Instant.parse("2026-11-23T21:00:04Z");

    private TestEvents() {
    }

    static PvcSpec pvc(String name) {
        return new PvcSpec(name, "8b3e51d0-4c2a-4f7e-b1d9-6a0c2e4f8a13", "managed-csi", List.of("ReadWriteOnce"),
                "Filesystem", 1L << 30, 1L << 30, Map.of("app", "orders"));
    }

    static SourceSnapshot source() {
        return new SourceSnapshot(SNAPSHOT, DISK, "eastus", 1L << 30, true, null);
    }

    static DrTarget target(String region) {
        return new DrTarget(region, DR_SUBSCRIPTION, "ferry-dr", STAGING);
    }

    static VolumeBackup volume(PvcSpec pvc, SourceSnapshot source, DrTarget target) {
        return new VolumeBackup("manual", "aks-source", "shop", pvc, 0, 1, source, target, TransferStrategy.VHD_FULL, null, TAKEN_AT);
    }

    static VolumeBackup volume() {
        return volume(pvc("orders-db"), source(), target("westus"));
    }

    static SnapshotTaken snapshotTaken(VolumeBackup volume) {
        return new SnapshotTaken(FerryEvent.SCHEMA_VERSION, "2c9f1e4a-7b6d-4e21-9a3f-5d8c1b0e7f42", "corr-1", volume);
    }
}
