package dev.ferry.restore.catalog;

import dev.ferry.events.DrTarget;
import dev.ferry.events.PvcSpec;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Catalog entries for unit tests: volume {@code i} is PVC {@code vol-<i>} (label {@code app=shop}, class
 * {@code managed-csi}, 1 GiB) in namespace {@code shop}, restored from region-B snapshot {@code ferry-<backupId>-<i>}.
 */
public final class Entries {

    private static final String SUB = "6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11";

    private Entries() {
    }

    public static CatalogEntry entry(String backupId, String policy, int index, int count, Instant takenAt) {
        return entry("aks-source", backupId, policy, index, count, takenAt);
    }

    /** An entry of a backup of cluster {@code sourceCluster}. */
    public static CatalogEntry entry(String sourceCluster, String backupId, String policy, int index, int count, Instant takenAt) {
        String uid = String.format("00000000-0000-0000-0000-%012d", index);
        PvcSpec pvc = new PvcSpec("vol-" + index, uid, "managed-csi", List.of("ReadWriteOnce"), "Filesystem", 1L << 30, 1L << 30, Map.of("app", "shop"));
        VolumeBackup volume = new VolumeBackup(policy, sourceCluster, "shop", pvc, index, count,
                new SourceSnapshot(ArmResourceId.of(SUB, "mc_src", "Microsoft.Compute", "snapshots", "s-" + backupId + index),
                        ArmResourceId.of(SUB, "mc_src", "Microsoft.Compute", "disks", "d-" + index), "eastus", 1L << 30, true, null),
                new DrTarget("westus", SUB, "ferry-dr", ArmResourceId.of(SUB, "ferry-dr", "Microsoft.Storage", "storageAccounts", "st")),
                TransferStrategy.VHD_FULL, null, takenAt);
        return new CatalogEntry(CatalogEntry.FORMAT_VERSION, backupId, "c", volume,
                ArmResourceId.of(SUB, "ferry-dr", "Microsoft.Compute", "snapshots", "ferry-" + backupId + "-" + index), 1L << 30, "import",
                takenAt.plusSeconds(60), null);
    }

    /** A restore point with {@code present} of its {@code count} volumes. */
    public static RestorePoint point(String backupId, String policy, int present, int count, Instant takenAt) {
        return RestorePoint.of(java.util.stream.IntStream.range(0, present).mapToObj(i -> entry(backupId, policy, i, count, takenAt)).toList());
    }
}
