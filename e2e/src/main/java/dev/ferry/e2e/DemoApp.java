package dev.ferry.e2e;

import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.SparseContent;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The demo application on the source cluster: a namespace with PVCs of different sizes whose disks
 * hold known data, written in scattered 1 MiB extents as an application would, and later changed
 * in place (rewrites, small new writes, trims). It remembers what it wrote (seeds per extent), so a
 * restored disk can be checked byte for byte without keeping the data in memory.
 */
final class DemoApp {

    static final int EXTENT = Extent.SIZE;
    /** The unit of the changes between backups: a file system block. */
    private static final int BLOCK = 4096;
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(60);

    /** One PVC of the application: its name, disk size, and its share of the data. */
    record Volume(String pvc, int diskGib, int shareOfData) {
    }

    /** What each volume's disk holds: per PVC, extent offset to the extent's data. */
    record Contents(Map<String, TreeMap<Long, Extent>> extents) {

        long writtenBytes(String pvc) {
            return extents.get(pvc).values().stream().mapToLong(Extent::writtenBytes).sum();
        }
    }

    /** What one {@link #churn} did across the volumes, in bytes. */
    record Churn(long rewritten, long added, long trimmed) {
    }

    private final String namespace;
    private final List<Volume> volumes;
    private final Map<String, TreeMap<Long, Extent>> extents = new LinkedHashMap<>();
    private final Map<String, String> diskIds = new LinkedHashMap<>();
    private long nextSeed = 1;

    private DemoApp(String namespace, List<Volume> volumes) {
        this.namespace = namespace;
        this.volumes = volumes;
    }

    /** The default application: two PVCs, 1 GiB and 2 GiB. */
    static List<Volume> defaultVolumes() {
        return List.of(new Volume("orders-db", 1, 1), new Volume("orders-files", 2, 2));
    }

    /** Creates the namespace and its PVCs on the source cluster and waits until they are Bound. */
    static DemoApp create(LocalCloud cloud, String namespace, List<Volume> volumes) {
        KubernetesClient source = cloud.sourceCluster().client();
        source.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).addToLabels("app", "demo")
                .endMetadata().build()).create();
        DemoApp app = new DemoApp(namespace, volumes);
        for (Volume volume : volumes) {
            source.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(volume.pvc()).withNamespace(namespace).addToLabels("app", "demo")
                    .addToLabels("volume", volume.pvc()).endMetadata()
                    .withNewSpec().withStorageClassName(LocalCloud.STORAGE_CLASS).withAccessModes("ReadWriteOnce")
                    .withNewResources().addToRequests("storage", new Quantity(volume.diskGib() + "Gi")).endResources().endSpec()
                    .build()).create();
        }
        long deadline = System.nanoTime() + BIND_TIMEOUT.toNanos();
        for (Volume volume : volumes) {
            PersistentVolumeClaim claim;
            while (true) {
                claim = source.persistentVolumeClaims().inNamespace(namespace).withName(volume.pvc()).get();
                if (claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase())) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PVC " + namespace + "/" + volume.pvc() + " was not Bound within " + BIND_TIMEOUT);
                }
                ManagedProcess.sleep(Duration.ofMillis(100));
            }
            String diskId = source.persistentVolumes().withName(claim.getSpec().getVolumeName()).get().getSpec().getCsi().getVolumeHandle();
            app.diskIds.put(volume.pvc(), diskId);
            app.extents.put(volume.pvc(), new TreeMap<>());
        }
        return app;
    }

    String namespace() {
        return namespace;
    }

    List<Volume> volumes() {
        return volumes;
    }

    /** Writes {@code bytes} of new data, split across the volumes by their share, in extents at free scattered offsets. */
    void write(ComputeState compute, long bytes) {
        int shares = volumes.stream().mapToInt(Volume::shareOfData).sum();
        for (Volume volume : volumes) {
            long extentsToWrite = Math.max(1, bytes * volume.shareOfData() / shares / EXTENT);
            long slots = ((long) volume.diskGib() << 30) / EXTENT;
            TreeMap<Long, Extent> written = extents.get(volume.pvc());
            if (written.size() + extentsToWrite > slots) {
                throw new IllegalArgumentException("volume " + volume.pvc() + " has no room for " + extentsToWrite + " more MiB");
            }
            Random placement = new Random(nextSeed * 31 + volume.pvc().hashCode());
            SparseContent disk = disk(compute, volume.pvc());
            for (long i = 0; i < extentsToWrite; i++) {
                long offset;
                do {
                    offset = (placement.nextLong(slots)) * EXTENT;
                } while (written.containsKey(offset));
                long seed = nextSeed++;
                disk.write(offset, Extent.seeded(seed));
                written.put(offset, Extent.whole(seed));
            }
        }
    }

    /** Overwrites about {@code fraction} of the written extents of each volume with new data (a change between backups). */
    void change(ComputeState compute, double fraction) {
        for (Volume volume : volumes) {
            TreeMap<Long, Extent> written = extents.get(volume.pvc());
            List<Long> offsets = new ArrayList<>(written.keySet());
            int count = Math.max(1, (int) (offsets.size() * fraction));
            Random pick = new Random(nextSeed * 17);
            SparseContent disk = disk(compute, volume.pvc());
            for (int i = 0; i < count; i++) {
                long offset = offsets.get(pick.nextInt(offsets.size()));
                long seed = nextSeed++;
                disk.write(offset, Extent.seeded(seed));
                written.put(offset, Extent.whole(seed));
            }
        }
    }

    /**
     * Changes about {@code fraction} of each volume's written bytes as a running application does
     * between two backups: six tenths rewrite pieces of existing extents, two tenths are small new
     * writes into unused extents, two tenths trim pieces of existing extents (so the disk has
     * cleared ranges). Pieces are 4 KiB to 256 KiB (new writes at most 64 KiB), 4 KiB aligned, each within
     * one extent.
     */
    Churn churn(ComputeState compute, double fraction) {
        long rewritten = 0;
        long added = 0;
        long trimmed = 0;
        for (Volume volume : volumes) {
            TreeMap<Long, Extent> written = extents.get(volume.pvc());
            long budget = Math.max(3L * BLOCK, (long) (written.values().stream().mapToLong(Extent::writtenBytes).sum() * fraction));
            long slots = ((long) volume.diskGib() << 30) / EXTENT;
            Random random = new Random(nextSeed * 13 + volume.pvc().hashCode());
            SparseContent disk = disk(compute, volume.pvc());
            for (long done = 0; done < budget * 6 / 10 && !written.isEmpty(); ) {
                long offset = anyOf(written, random);
                int length = pieceLength(random, budget * 6 / 10 - done);
                int from = BLOCK * random.nextInt((EXTENT - length) / BLOCK + 1);
                long seed = nextSeed++;
                disk.write(offset + from, Arrays.copyOfRange(Extent.seeded(seed), from, from + length));
                written.put(offset, written.get(offset).write(from, from + length, seed));
                rewritten += length;
                done += length;
            }
            for (long done = 0; done < budget * 2 / 10; ) {
                long offset;
                do {
                    offset = random.nextLong(slots) * EXTENT;
                } while (written.containsKey(offset));
                int length = Math.min(pieceLength(random, budget * 2 / 10 - done), 16 * BLOCK);
                int from = BLOCK * random.nextInt((EXTENT - length) / BLOCK + 1);
                long seed = nextSeed++;
                disk.write(offset + from, Arrays.copyOfRange(Extent.seeded(seed), from, from + length));
                written.put(offset, Extent.piece(from, from + length, seed));
                added += length;
                done += length;
            }
            for (long done = 0; done < budget - budget * 8 / 10 && !written.isEmpty(); ) {
                long offset = anyOf(written, random);
                int length = pieceLength(random, budget - budget * 8 / 10 - done);
                int from = BLOCK * random.nextInt((EXTENT - length) / BLOCK + 1);
                disk.clear(offset + from, length);
                Extent before = written.get(offset);
                Extent after = before.trim(from, from + length);
                if (after.isEmpty()) {
                    written.remove(offset);
                } else {
                    written.put(offset, after);
                }
                trimmed += before.writtenBytes() - after.writtenBytes();
                done += length;
            }
        }
        return new Churn(rewritten, added, trimmed);
    }

    /** What the disks hold now. */
    Contents contents() {
        Map<String, TreeMap<Long, Extent>> copy = new LinkedHashMap<>();
        extents.forEach((pvc, map) -> copy.put(pvc, new TreeMap<>(map)));
        return new Contents(copy);
    }

    /** Deletes the application from the source cluster: its PVCs (their disks go with them) and its namespace. */
    void delete(LocalCloud cloud) {
        KubernetesClient source = cloud.sourceCluster().client();
        source.persistentVolumeClaims().inNamespace(namespace).delete();
        source.namespaces().withName(namespace).delete();
    }

    /**
     * Compares a disk with what a volume held: every extent byte for byte (zeros where it was never
     * written or was trimmed), and every other written byte zero (a copy may move the unwritten gap
     * between two extents of one 4 MiB chunk). Returns the problems found, empty when the disk is exact.
     */
    static List<String> compare(SparseContent disk, String pvc, Contents expected) {
        List<String> problems = new ArrayList<>();
        TreeMap<Long, Extent> extents = expected.extents().get(pvc);
        for (Map.Entry<Long, Extent> extent : extents.entrySet()) {
            if (!Arrays.equals(disk.read(extent.getKey(), EXTENT), extent.getValue().bytes())) {
                problems.add(pvc + ": the MiB at offset " + extent.getKey() + " differs");
            }
        }
        for (SparseContent.Range range : disk.writtenRanges(0, disk.size())) {
            for (long offset = range.start(); offset < range.end(); ) {
                long cell = offset - offset % EXTENT;
                long end = Math.min(range.end(), cell + EXTENT);
                if (!extents.containsKey(cell)) {
                    byte[] bytes = disk.read(offset, (int) (end - offset));
                    for (byte b : bytes) {
                        if (b != 0) {
                            problems.add(pvc + ": bytes at offset " + offset + " were never written by the application");
                            break;
                        }
                    }
                }
                offset = end;
            }
        }
        return problems;
    }

    private SparseContent disk(ComputeState compute, String pvc) {
        return compute.disk(ResourceKey.parse(diskIds.get(pvc))).orElseThrow(() -> new IllegalStateException("disk of " + pvc + " is gone"))
                .content();
    }

    private static long anyOf(TreeMap<Long, Extent> written, Random random) {
        List<Long> offsets = new ArrayList<>(written.keySet());
        return offsets.get(random.nextInt(offsets.size()));
    }

    /** 4 KiB to 256 KiB in whole blocks, and no more than {@code left} rounded up to a block. */
    private static int pieceLength(Random random, long left) {
        long wanted = (long) BLOCK * (1 + random.nextInt(64));
        return (int) Math.min(wanted, (left + BLOCK - 1) / BLOCK * BLOCK);
    }
}
