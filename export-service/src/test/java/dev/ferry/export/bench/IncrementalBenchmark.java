package dev.ferry.export.bench;

import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.ByteRange;
import dev.ferry.export.ExportOutcome;
import dev.ferry.export.ExportRequest;
import dev.ferry.export.ExportTestBed;
import dev.ferry.export.IncrementalExporter;
import dev.ferry.export.SasUrl;
import dev.ferry.export.SnapshotAccess;
import dev.ferry.export.SourceBlob;
import dev.ferry.export.SourceDisk;
import dev.ferry.export.StagingAccount;
import dev.ferry.export.SourceSnapshots;
import dev.ferry.export.StagingBlob;
import dev.ferry.export.StagingBlobName;
import dev.ferry.export.azure.AzureSourceSnapshots;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ChunkScheduler;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.ProgressListener;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.ServerSideCopyEngine;
import dev.ferry.export.transfer.StreamingCopyEngine;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.compute.Disk;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.azure.compute.SparseContent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The incremental benchmark (not a test): per parallelism, a 1 GiB disk with 256 MiB written is
 * exported in full into its replica; then about 1% of its written bytes change (rewrites, a few new
 * small writes and some trims) and the diff is exported; then a hundred scattered 1 KiB writes and
 * their diff. It prints the wall times, the ratio diff/full, the bytes moved against the changed
 * bytes the diff reports, what a full copy would move for the same snapshot, and checks the replica
 * byte for byte against each new snapshot. Everything runs in this JVM against the local cloud.
 *
 * <p>Run: {@code ./mvnw -q -pl export-service test-compile exec:java@incremental-benchmark} (see the README).
 */
public final class IncrementalBenchmark {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final long WRITTEN = 256 * MIB;
    private static final int EXTENTS = 96;
    /** Time in the Azure calls around the copy, summed per export: grants, revokes, snapshot lookups. */
    private static final AtomicLong GRANT_NANOS = new AtomicLong();
    private static final AtomicLong REVOKE_NANOS = new AtomicLong();
    private static final AtomicLong LOOKUP_NANOS = new AtomicLong();

    /** -Dferry.bench.calls=true: print the time each export spent in each storage call, summed over its workers. */
    private static final boolean CALLS = Boolean.getBoolean("ferry.bench.calls");
    private static final java.util.Map<String, AtomicLong> CALL_NANOS = new java.util.concurrent.ConcurrentHashMap<>();

    private IncrementalBenchmark() {
    }

    /** {@code target} seen through its interface, timing every call by name. */
    private static <T> T timed(Class<T> type, T target, String prefix) {
        return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            long started = System.nanoTime();
            try {
                return method.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            } finally {
                CALL_NANOS.computeIfAbsent(prefix + method.getName(), k -> new AtomicLong()).addAndGet(System.nanoTime() - started);
            }
        }));
    }

    public static void main(String[] args) {
        int[] parallelisms = Arrays.stream(System.getProperty("ferry.bench.parallelism", "1,4,8").split(","))
                .mapToInt(p -> Integer.parseInt(p.trim())).toArray();
        CopyEngineKind engine = CopyEngineKind.fromWireName(System.getProperty("ferry.bench.engine", "server-side"));
        List<String> rows = new ArrayList<>();
        try (LocalCloud cloud = LocalCloud.start()) {
            ExportTestBed bed = new ExportTestBed(cloud);
            RetryPolicy retry = RetryPolicy.DEFAULT;
            ChunkScheduler scheduler = new ChunkScheduler(retry, Duration.ofSeconds(3), System::nanoTime);
            SnapshotAccess access = bed.snapshotAccess();
            SnapshotAccess timedAccess = new SnapshotAccess() {
                @Override
                public SasUrl grantRead(ArmResourceId snapshotId, Duration duration) {
                    long started = System.nanoTime();
                    try {
                        return access.grantRead(snapshotId, duration);
                    } finally {
                        GRANT_NANOS.addAndGet(System.nanoTime() - started);
                    }
                }

                @Override
                public void revoke(ArmResourceId snapshotId) {
                    long started = System.nanoTime();
                    access.revoke(snapshotId);
                    REVOKE_NANOS.addAndGet(System.nanoTime() - started);
                }
            };
            SourceSnapshots facts = new AzureSourceSnapshots(bed.compute());
            SourceSnapshots timedFacts = id -> {
                long started = System.nanoTime();
                try {
                    return facts.find(id);
                } finally {
                    LOOKUP_NANOS.addAndGet(System.nanoTime() - started);
                }
            };
            SourceDisk disk = bed.sourceDisk();
            StagingAccount staging = bed.staging();
            SourceDisk timedDisk = sas -> timed(SourceBlob.class, disk.open(sas), "source.");
            StagingAccount timedStaging = name -> timed(StagingBlob.class, staging.blob(name), "replica.");
            IncrementalExporter exporter = new IncrementalExporter(timedAccess, timedDisk, timedFacts, timedStaging,
                    List.of(new StreamingCopyEngine(scheduler), new ServerSideCopyEngine(scheduler)),
                    new PageRangePlanner(PageRangePlanner.MAX_CHUNK_BYTES), retry, Duration.ofMillis(200),
                    Duration.ofMinutes(1), Clock.systemUTC());
            PageRangePlanner planner = new PageRangePlanner(PageRangePlanner.MAX_CHUNK_BYTES);
            // A warm-up volume, not measured: the first export of a JVM also pays for class loading and JIT.
            new Volume(bed, cloud, "bench-inc-warm-up", 64 * MIB, 0).backups(exporter, engine, 4, planner, null);
            for (int parallelism : parallelisms) {
                new Volume(bed, cloud, "bench-inc-p" + parallelism, WRITTEN, parallelism)
                        .backups(exporter, engine, parallelism, planner, rows);
            }
        }
        System.out.printf("%nengine %s; a 1 GiB disk with %d MiB written in %d extents%n", engine.wireName(), WRITTEN / MIB,
                EXTENTS);
        System.out.printf("%-22s %3s %12s %12s %12s %9s %10s %10s %9s %s%n", "backup", "par", "changed", "moved", "full would",
                "wall ms", "wall/full", "moved/chg", "g/r/l ms", "replica");
        System.out.println("(g/r/l: time in GrantAccess, RevokeAccess and Snapshots_Get calls of the export)");
        rows.forEach(System.out::println);
    }

    /** One benchmarked disk and its three backups. */
    private static final class Volume {
        private final ExportTestBed bed;
        private final LocalCloud cloud;
        private final String name;
        private final Disk disk;
        private final Random random;
        private final List<long[]> extents = new ArrayList<>();
        private int snapshots;

        Volume(ExportTestBed bed, LocalCloud cloud, String name, long written, long seed) {
            this.bed = bed;
            this.cloud = cloud;
            this.name = name;
            this.random = new Random(seed);
            this.disk = cloud.azure().compute().createEmptyDisk(ResourceKey.disk(LocalCloud.SUBSCRIPTION_ID,
                    LocalCloud.SOURCE_NODE_GROUP, name), LocalCloud.SOURCE_REGION, GIB, Map.of());
            long slot = GIB / EXTENTS / 512 * 512;
            for (int i = 0; i < EXTENTS; i++) {
                long length = Math.min(slot, Math.max(512, (long) (written / EXTENTS * (0.5 + random.nextDouble())) / 512 * 512));
                long offset = slot * i + (long) (random.nextDouble() * ((slot - length) / 512)) * 512;
                write(offset, (int) length);
                extents.add(new long[] {offset, length});
            }
        }

        void backups(IncrementalExporter exporter, CopyEngineKind engine, int parallelism, PageRangePlanner planner,
                     List<String> rows) {
            Snapshot first = snapshot();
            long fullMillis = measure(exporter, request(first, null, engine, parallelism), "full", first, first, planner,
                    parallelism, -1, rows);
            // About 1% of the written bytes: rewrites inside the extents, new small writes, and trims.
            for (int i = 0; i < 8; i++) {
                long[] extent = extents.get(random.nextInt(extents.size()));
                int length = (int) Math.min(extent[1], 256 * 1024);
                write(extent[0] + (extent[1] - length) / 512 / 2 * 512, length);
            }
            for (int i = 0; i < 64; i++) {
                write(random.nextLong(GIB / 4096) * 4096, 4096);
            }
            for (int i = 0; i < 4; i++) {
                long[] extent = extents.get(random.nextInt(extents.size()));
                disk.content().clear(extent[0], Math.min(extent[1], 64 * 1024));
            }
            Snapshot second = snapshot();
            measure(exporter, request(second, first, engine, parallelism), "1% change", second, first, planner, parallelism,
                    fullMillis, rows);
            for (int i = 0; i < 100; i++) {
                write(random.nextLong(GIB / 512 - 2) * 512, 1024);
            }
            Snapshot third = snapshot();
            measure(exporter, request(third, second, engine, parallelism), "100 x 1 KiB", third, second, planner, parallelism,
                    fullMillis, rows);
        }

        private long measure(IncrementalExporter exporter, ExportRequest request, String label, Snapshot snapshot,
                             Snapshot base, PageRangePlanner planner, int parallelism, long fullMillis, List<String> rows) {
            CALL_NANOS.clear();
            GRANT_NANOS.set(0);
            REVOKE_NANOS.set(0);
            LOOKUP_NANOS.set(0);
            long started = System.nanoTime();
            ExportOutcome outcome = exporter.export(request, ProgressListener.NONE, new Cancellation());
            long millis = (System.nanoTime() - started) / 1_000_000;
            long changed = snapshot == base ? snapshot.content().writtenBytes()
                    : snapshot.content().diffSince(base.content(), 0, GIB).changed().stream()
                    .mapToLong(SparseContent.Range::length).sum();
            long fullWould = planner.plan(GIB, snapshot.content().writtenRanges(0, GIB).stream()
                    .map(r -> new ByteRange(r.start(), r.end())).toList(), List.of()).plannedBytes();
            if (CALLS) {
                System.out.printf("%s p%d: %s%n", label, parallelism, new java.util.TreeMap<>(CALL_NANOS).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue().get() / 1_000_000 + "ms").toList());
            }
            String replica = identical(snapshot) ? "identical" : "DIFFERS";
            imported();
            if (rows != null) {
                rows.add(String.format("%-22s %3d %12d %12d %12d %9d %10s %10s %9s %s", label + " (" + outcome.delta().mode() + ")",
                        parallelism, changed, outcome.bytesMoved(), fullWould, millis,
                        fullMillis < 0 ? "-" : String.format("%.3f", millis / (double) fullMillis),
                        String.format("%.3f", outcome.bytesMoved() / (double) Math.max(1, changed)),
                        GRANT_NANOS.get() / 1_000_000 + "/" + REVOKE_NANOS.get() / 1_000_000 + "/" + LOOKUP_NANOS.get() / 1_000_000,
                        replica));
            }
            return millis;
        }

        /** What import-service does once it has imported the replica's generation: the next diff may start. */
        private void imported() {
            StagingBlob replica = replica();
            Map<String, String> metadata = new java.util.HashMap<>(replica.properties().orElseThrow().metadata());
            metadata.put(IncrementalExporter.META_IMPORTED, metadata.get("ferry_generation"));
            replica.setMetadata(metadata);
        }

        private StagingBlob replica() {
            return bed.staging().blob(StagingBlobName.replicaOf(ArmResourceId.parse(disk.id())));
        }

        /** The replica holds exactly the snapshot: its bytes where it has written pages, zeros elsewhere. */
        private boolean identical(Snapshot snapshot) {
            StagingBlob replica = replica();
            List<ByteRange> ranges = new ArrayList<>(replica.pageRanges());
            snapshot.content().writtenRanges(0, GIB).forEach(r -> ranges.add(new ByteRange(r.start(), r.end())));
            for (ByteRange range : PageRangePlanner.withinDisk(GIB, ranges)) {
                for (long at = range.start(); at < range.end(); at += 4 * MIB) {
                    int length = (int) Math.min(4 * MIB, range.end() - at);
                    if (!Arrays.equals(replica.read(at, length), snapshot.content().read(at, length))) {
                        return false;
                    }
                }
            }
            return true;
        }

        private void write(long offset, int length) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            disk.content().write(offset, data);
        }

        private Snapshot snapshot() {
            Snapshot snapshot = cloud.azure().compute().copyDisk(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID,
                    LocalCloud.SOURCE_NODE_GROUP, name + "-" + (++snapshots)), LocalCloud.SOURCE_REGION, disk.id(), true,
                    Map.of(), "Standard_ZRS");
            cloud.azure().compute().provisioned(snapshot);
            return snapshot;
        }

        private ExportRequest request(Snapshot snapshot, Snapshot previous, CopyEngineKind engine, int parallelism) {
            return new ExportRequest(TransferStrategy.VHD_INCREMENTAL, "bench-" + snapshot.key().name(), "uid-" + name,
                    ExportTestBed.id(snapshot), GIB, engine, parallelism, Duration.ofHours(1), ArmResourceId.parse(disk.id()),
                    previous == null ? null : ExportTestBed.id(previous), true);
        }
    }
}
