package dev.ferry.restore;

import dev.ferry.events.DrTarget;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.PvcSpec;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.TransferStats;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.Disk;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** Test data in the local cloud's region B: managed snapshots holding known bytes, and the events that report them. */
final class RegionB {

    static final long DISK_BYTES = 1L << 30;
    static final long DATA_OFFSET = 8L << 20;

    /** A region-B snapshot and the bytes written into it at {@link #DATA_OFFSET}. */
    record Copy(ArmResourceId snapshotId, byte[] data) {
    }

    private RegionB() {
    }

    /** A managed snapshot in the DR resource group whose disk held {@code data} at {@link #DATA_OFFSET}. */
    static Copy snapshot(long seed) {
        ComputeState compute = LocalCloudTestResource.cloud().azure().compute();
        String name = "ferry-test-" + UUID.randomUUID();
        Disk disk = compute.createEmptyDisk(ResourceKey.disk(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP, name + "-disk"),
                LocalCloud.DR_REGION, DISK_BYTES, Map.of());
        byte[] data = new byte[256 * 1024];
        new Random(seed).nextBytes(data);
        disk.content().write(DATA_OFFSET, data);
        var snapshot = compute.copyDisk(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP, name),
                LocalCloud.DR_REGION, disk.id(), false, Map.of("ferry.createdBy", "restore-it"), "Standard_LRS");
        compute.deleteDisk(disk.key());
        return new Copy(ArmResourceId.parse(snapshot.id()), data);
    }

    /** The event import-service sends when volume {@code index} of {@code count} of a backup reached region B. */
    static SnapshotRecreated recreated(String backupId, String namespace, String policy, String pvcName, int index, int count,
                                       ArmResourceId snapshotId, Instant takenAt) {
        Instant transferred = takenAt.plusSeconds(30);
        return new SnapshotRecreated(FerryEvent.SCHEMA_VERSION, backupId, "corr-" + backupId,
                volume(namespace, policy, pvcName, index, count, takenAt), snapshotId, DISK_BYTES, "import",
                TransferStats.full("streaming", 256 * 1024, 256 * 1024, DISK_BYTES, 1000, takenAt.plusSeconds(1), transferred), 900L,
                transferred.plusSeconds(1));
    }

    /** Volume {@code index} of {@code count} of a backup of {@code namespace}, a 1 GiB disk in region A to be copied in full. */
    static VolumeBackup volume(String namespace, String policy, String pvcName, int index, int count, Instant takenAt) {
        String pvcUid = UUID.randomUUID().toString();
        ArmResourceId disk = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, "Microsoft.Compute", "disks",
                "pvc-" + pvcUid);
        ArmResourceId source = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, "Microsoft.Compute",
                "snapshots", "snapshot-" + pvcUid);
        PvcSpec pvc = new PvcSpec(pvcName, pvcUid, LocalCloud.STORAGE_CLASS, List.of("ReadWriteOnce"), "Filesystem", DISK_BYTES,
                DISK_BYTES, Map.of("app", namespace, "tier", "data"));
        DrTarget target = new DrTarget(LocalCloud.DR_REGION, LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP,
                ArmResourceId.parse(LocalCloudTestResource.cloud().drStagingAccount().id()));
        return new VolumeBackup(policy, "aks-source", namespace, pvc, index, count,
                new SourceSnapshot(source, disk, LocalCloud.SOURCE_REGION, DISK_BYTES, true, null), target, TransferStrategy.VHD_FULL,
                null, takenAt);
    }
}
