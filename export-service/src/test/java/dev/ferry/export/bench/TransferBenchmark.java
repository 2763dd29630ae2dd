package dev.ferry.export.bench;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.ByteRange;
import dev.ferry.export.ExportOutcome;
import dev.ferry.export.ExportRequest;
import dev.ferry.export.ExportTestBed;
import dev.ferry.export.ObservedSourceBlob;
import dev.ferry.export.SasUrl;
import dev.ferry.export.SourceDisk;
import dev.ferry.export.StagingAccount;
import dev.ferry.export.StagingBlob;
import dev.ferry.export.StagingBlobName;
import dev.ferry.export.VhdExporter;
import dev.ferry.export.azure.AzureSnapshotAccess;
import dev.ferry.export.azure.AzureSourceDisk;
import dev.ferry.export.azure.AzureStagingAccount;
import dev.ferry.export.azure.BlobClients;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ChunkPlan;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.ProgressListener;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.azure.compute.SparseContent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The transfer benchmark (not a test): a 1 GiB snapshot with 256 MiB written in scattered extents,
 * exported by each engine at parallelism 1, 4 and 8, beside the raw ceiling (Put Page of the same
 * chunks straight into Azurite, same parallelism). The local cloud runs in this JVM; every measured
 * run is a JVM of its own, so that its peak RSS (VmHWM) is the exporter's alone.
 *
 * <p>Run: {@code ./mvnw -q -pl export-service test-compile exec:java@benchmark} (see the README).
 */
public final class TransferBenchmark {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final long WRITTEN = 256 * MIB;
    private static final int EXTENTS = 96;
    private static final String RESULT = "RESULT ";
    /** Each measured JVM first exports this smaller snapshot, so that the figures are a warm service's. */
    private static final long WARM_UP_DISK = GIB;
    private static final long WARM_UP_WRITTEN = 64 * MIB;
    /** -Dferry.bench.verbose=true: echo what each measured JVM prints (e.g. -XX:+PrintNMTStatistics). */
    private static final boolean VERBOSE = Boolean.getBoolean("ferry.bench.verbose");
    /** -Dferry.bench.rounds=N: measure every row N times, in turn, and add the medians. */
    private static final int ROUNDS = Integer.getInteger("ferry.bench.rounds", 1);

    private TransferBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("run")) {
            Run.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        String childJvmOptions = System.getProperty("ferry.bench.jvm", deployedJvmOptions());
        int[] parallelisms = Arrays.stream(System.getProperty("ferry.bench.parallelism", "1,4,8").split(","))
                .mapToInt(p -> Integer.parseInt(p.trim())).toArray();
        List<String> engines = Arrays.stream(System.getProperty("ferry.bench.engines", "streaming,server-side").split(","))
                .map(String::trim).toList();
        try (LocalCloud cloud = LocalCloud.start()) {
            ExportTestBed bed = new ExportTestBed(cloud);
            Snapshot snapshot = bed.sourceSnapshot("bench-disk", GIB, WRITTEN, EXTENTS, 1);
            Snapshot warmUp = bed.sourceSnapshot("bench-warm-up", WARM_UP_DISK, WARM_UP_WRITTEN, EXTENTS / 4, 2);
            ChunkPlan plan = plan(snapshot);
            Path chunks = chunkFile(plan);
            Path warmUpChunks = chunkFile(plan(warmUp));
            System.out.printf("source: 1 GiB disk, %d MiB written in %d extents -> %d chunks, %.1f MiB planned;"
                    + " each run first exports a %d MiB disk with %d MiB written (not measured)%n",
                    snapshot.content().writtenBytes() / MIB, EXTENTS, plan.chunks().size(), plan.plannedBytes() / (double) MIB,
                    WARM_UP_DISK / MIB, warmUp.content().writtenBytes() / MIB);

            String azurite = cloud.azurite().account(LocalCloud.DR_STAGING_ACCOUNT).connectionString();
            String front = cloud.storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT);
            List<String> rows = new ArrayList<>();
            int run = 0;
            Source source = new Source(snapshot, chunks, warmUp, warmUpChunks);
            for (int parallelism : parallelisms) {
                // Rounds of the ceiling and the engines in turn: a change in the machine's load hits all of them alike.
                for (int round = 0; round < ROUNDS; round++) {
                    rows.add(child(childJvmOptions, "ceiling", "azurite", parallelism, cloud, source, azurite, ++run));
                    for (String engine : engines) {
                        if (!engine.equals("server-side")) {
                            rows.add(child(childJvmOptions, engine, "azurite", parallelism, cloud, source, azurite, ++run));
                        }
                        rows.add(child(childJvmOptions, engine, "front", parallelism, cloud, source, front, ++run));
                    }
                }
            }
            print(rows, childJvmOptions, plan);
            Files.deleteIfExists(chunks);
            Files.deleteIfExists(warmUpChunks);
        }
    }

    /** The measured snapshot and the warm-up one, each with the file of its planned chunks. */
    private record Source(Snapshot snapshot, Path chunks, Snapshot warmUp, Path warmUpChunks) {
    }

    private static ChunkPlan plan(Snapshot snapshot) {
        SparseContent content = snapshot.content();
        List<ByteRange> written = content.writtenRanges(0, snapshot.sizeBytes()).stream()
                .map(r -> new ByteRange(r.start(), r.end())).toList();
        return new PageRangePlanner(PageRangePlanner.MAX_CHUNK_BYTES).plan(snapshot.sizeBytes(), written, List.of());
    }

    private static Path chunkFile(ChunkPlan plan) throws IOException {
        Path file = Files.createTempFile("ferry-bench-chunks", ".txt");
        Files.write(file, plan.chunks().stream().map(c -> c.start() + " " + c.end()).toList());
        return file;
    }

    /**
     * The exporter's JVM as the Deployment starts it: the memory and CPU limits of its container (as
     * {@code -XX:MaxRAM} and {@code -XX:ActiveProcessorCount}, which is what the JVM reads from the
     * cgroup there) and the {@code JAVA_OPTS_APPEND} of its ConfigMap, read from deploy/.
     */
    static String deployedJvmOptions() throws IOException {
        Path base = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "deploy", "base", "export-service");
        String configMap = Files.readString(base.resolve("02-configmap.yaml"));
        String deployment = Files.readString(base.resolve("03-deployment.yaml"));
        java.util.regex.Matcher opts = java.util.regex.Pattern.compile("JAVA_OPTS_APPEND: \"([^\"]*)\"").matcher(configMap);
        java.util.regex.Matcher limits = java.util.regex.Pattern
                .compile("limits: \\{cpu: \"?(\\d+)\"?, memory: (\\d+)Mi}").matcher(deployment);
        if (!opts.find() || !limits.find()) {
            throw new IllegalStateException("cannot read the export-service's JVM options and limits from " + base);
        }
        return "-XX:MaxRAM=" + limits.group(2) + "m -XX:ActiveProcessorCount=" + limits.group(1) + " " + opts.group(1);
    }

    /** Runs one measurement in its own JVM and returns its result line; deletes the blob it wrote. */
    private static String child(String jvmOptions, String mode, String target, int parallelism, LocalCloud cloud,
                                Source source, String connectionString, int run)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.stream(jvmOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        command.add("-Djavax.net.ssl.trustStore=" + cloud.azure().trustStore());
        command.add("-Djavax.net.ssl.trustStorePassword=" + cloud.azure().trustStorePassword());
        command.add("-Djavax.net.ssl.trustStoreType=PKCS12");
        command.add("-cp");
        command.add(classPath());
        command.add(TransferBenchmark.class.getName());
        command.addAll(List.of("run", mode, target, Integer.toString(parallelism), cloud.azure().endpoint(), "bench-" + run,
                source.warmUp().id(), Long.toString(source.warmUp().sizeBytes()), source.warmUpChunks().toString(),
                source.snapshot().id(), Long.toString(source.snapshot().sizeBytes()), source.chunks().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        // The connection string carries the account key: hand it over in the environment, not the command line.
        builder.environment().put("FERRY_BENCH_STAGING", connectionString);
        Process process = builder.start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(RESULT)) {
                    result = line.substring(RESULT.length());
                } else if (VERBOSE) {
                    System.out.println("  | " + line);
                }
            }
        }
        int exit = process.waitFor();
        StagingAccount staging = AzureStagingAccount.fromConnectionString(connectionString, BlobClients.standard());
        staging.blob(StagingBlobName.forVolume("bench-" + run, "pvc")).delete();
        staging.blob(StagingBlobName.forVolume("bench-" + run + "-warm-up", "pvc")).delete();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("the " + mode + " run at parallelism " + parallelism + " failed (exit " + exit + ")");
        }
        System.out.println("  done: " + mode + " via " + target + " x" + parallelism);
        return result;
    }

    private static String classPath() {
        // Under exec:java the test classpath is the context class loader's, not java.class.path (Maven's own).
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            return Arrays.stream(loader.getURLs()).map(u -> {
                try {
                    return new File(u.toURI()).getPath();
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    private static void print(List<String> rows, String jvmOptions, ChunkPlan plan) {
        System.out.println();
        System.out.println("exporter JVM: " + jvmOptions + "; planned " + plan.plannedBytes() / MIB
                + " MiB in " + plan.chunks().size() + " chunks; the bound (4 MiB cells touched x 4 MiB) is "
                + plan.chunks().size() * 4L + " MiB");
        System.out.println("wall s: the whole run (export: grant, plan, copy, footer, revoke); copy s and MiB/s: the copy phase;"
                + " read s / write s: time in source reads / destination writes summed over the workers");
        System.out.printf("%-12s %-8s %4s %14s %14s %8s %8s %8s %8s %10s %8s %8s%n", "engine", "target", "par", "read from src",
                "written", "wall s", "copy s", "MiB/s", "% ceil", "VmHWM MiB", "read s", "write s");
        double ceiling = 0;
        Map<String, List<double[]>> summary = new java.util.LinkedHashMap<>();
        for (String row : rows) {
            String[] f = row.split(" ");
            String mode = f[0];
            int parallelism = Integer.parseInt(f[2]);
            long read = Long.parseLong(f[3]);
            long writtenBytes = Long.parseLong(f[4]);
            long nanos = Long.parseLong(f[5]);
            long hwmKb = Long.parseLong(f[6]);
            long copyNanos = Long.parseLong(f[9]);
            double mibPerSecond = writtenBytes / (double) MIB / (copyNanos / 1e9);
            if (mode.equals("ceiling")) {
                ceiling = mibPerSecond;
            }
            System.out.printf("%-12s %-8s %4d %14s %14d %8.2f %8.2f %8.1f %7.0f%% %10d %8.1f %8.1f%n", mode, f[1], parallelism,
                    read < 0 ? "(by service)" : Long.toString(read), writtenBytes, nanos / 1e9, copyNanos / 1e9, mibPerSecond,
                    100 * mibPerSecond / ceiling, hwmKb / 1024, Long.parseLong(f[7]) / 1e9, Long.parseLong(f[8]) / 1e9);
            // Each run against the ceiling of its own round.
            summary.computeIfAbsent(String.format("%-12s %-8s %4d", mode, f[1], parallelism), k -> new ArrayList<>())
                    .add(new double[] {mibPerSecond, 100 * mibPerSecond / ceiling, hwmKb / 1024.0});
        }
        if (ROUNDS > 1) {
            System.out.println();
            System.out.println("over " + ROUNDS + " rounds: median MiB/s, median % of the round's ceiling (lowest-highest), highest VmHWM");
            System.out.printf("%-12s %-8s %4s %8s %8s %12s %10s%n", "engine", "target", "par", "MiB/s", "% ceil", "range", "VmHWM MiB");
            summary.forEach((key, runs) -> System.out.printf("%s %8.1f %7.0f%% %5.0f-%4.0f%% %10.0f%n", key,
                    median(runs, 0), median(runs, 1), runs.stream().mapToDouble(r -> r[1]).min().orElse(0),
                    runs.stream().mapToDouble(r -> r[1]).max().orElse(0), runs.stream().mapToDouble(r -> r[2]).max().orElse(0)));
        }
    }

    private static double median(List<double[]> runs, int field) {
        double[] values = runs.stream().mapToDouble(r -> r[field]).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** One measured run, in its own JVM. */
    static final class Run {

        /** Thread-time spent in source reads and in destination writes, summed over the workers. */
        private static final AtomicLong READ_NANOS = new AtomicLong();
        private static final AtomicLong WRITE_NANOS = new AtomicLong();

        private record TimedStaging(StagingBlob delegate) implements StagingBlob {
            @Override
            public String url() {
                return delegate.url();
            }

            @Override
            public Creation createIfAbsent(long length, Map<String, String> tags) {
                return delegate.createIfAbsent(length, tags);
            }

            @Override
            public List<ByteRange> pageRanges() {
                return delegate.pageRanges();
            }

            @Override
            public void putPages(long offset, byte[] data, int length) {
                long started = System.nanoTime();
                delegate.putPages(offset, data, length);
                WRITE_NANOS.addAndGet(System.nanoTime() - started);
            }

            @Override
            public PagesWhileFilled putPagesWhileFilled(long offset, byte[] data, int length) {
                PagesWhileFilled put = delegate.putPagesWhileFilled(offset, data, length);
                return new PagesWhileFilled() {
                    @Override
                    public void filled(int bytes) {
                        put.filled(bytes);
                    }

                    @Override
                    public void abandon() {
                        put.abandon();
                    }

                    @Override
                    public void awaitRelease() {
                        // Counts only the waits after the read: the rest of the write overlapped the read (and the
                        // wait for the answer overlaps the worker's next read).
                        long started = System.nanoTime();
                        put.awaitRelease();
                        WRITE_NANOS.addAndGet(System.nanoTime() - started);
                    }

                    @Override
                    public void await() {
                        long started = System.nanoTime();
                        put.await();
                        WRITE_NANOS.addAndGet(System.nanoTime() - started);
                    }
                };
            }

            @Override
            public void putPagesFromUrl(ByteRange range, SasUrl source) {
                long started = System.nanoTime();
                delegate.putPagesFromUrl(range, source);
                WRITE_NANOS.addAndGet(System.nanoTime() - started);
            }

            @Override
            public byte[] read(long offset, int length) {
                return delegate.read(offset, length);
            }

            @Override
            public java.util.Optional<Properties> properties() {
                return delegate.properties();
            }

            @Override
            public void setMetadata(Map<String, String> metadata) {
                delegate.setMetadata(metadata);
            }

            @Override
            public void clearPages(ByteRange range) {
                delegate.clearPages(range);
            }

            @Override
            public boolean delete() {
                return delegate.delete();
            }
        }

        static void main(String[] args) throws Exception {
            String mode = args[0];
            String target = args[1];
            int parallelism = Integer.parseInt(args[2]);
            String azureEndpoint = args[3];
            String backupId = args[4];
            BlobClients clients = BlobClients.standard();
            StagingAccount staging = AzureStagingAccount.fromConnectionString(System.getenv("FERRY_BENCH_STAGING"), clients);
            // The warm-up: the same work on a smaller snapshot, so that the JIT has compiled the hot paths (as in a
            // service that has run for a while) before the measured run; its figures are dropped.
            // One exporter for both, as a replica has one for its life.
            SourceDisk disk = new AzureSourceDisk(clients);
            SourceDisk timedDisk = sas -> new ObservedSourceBlob(disk.open(sas), (offset, length, nanos) -> READ_NANOS.addAndGet(nanos));
            StagingAccount timedStaging = blobName -> new TimedStaging(staging.blob(blobName));
            VhdExporter exporter = ExportTestBed.exporter(new AzureSnapshotAccess(ExportTestBed.computeManager(azureEndpoint), new SimpleMeterRegistry()),
                    timedDisk, timedStaging, RetryPolicy.DEFAULT, Duration.ofSeconds(5));
            measure(mode, parallelism, backupId + "-warm-up", Arrays.copyOfRange(args, 5, 8), exporter, staging);
            READ_NANOS.set(0);
            WRITE_NANOS.set(0);
            long[] measured = measure(mode, parallelism, backupId, Arrays.copyOfRange(args, 8, 11), exporter, staging);
            System.out.println(RESULT + String.join(" ", mode, target, Integer.toString(parallelism), Long.toString(measured[0]),
                    Long.toString(measured[1]), Long.toString(measured[2]), Long.toString(peakRssKb()),
                    Long.toString(READ_NANOS.get()), Long.toString(WRITE_NANOS.get()), Long.toString(measured[3])));
            System.exit(0);
        }

        /** One export (or ceiling run) of {@code source} = (snapshot id, disk bytes, chunk file): bytes read, written, nanos, copy nanos. */
        private static long[] measure(String mode, int parallelism, String backupId, String[] source, VhdExporter exporter,
                                      StagingAccount staging) throws Exception {
            ArmResourceId snapshotId = ArmResourceId.parse(source[0]);
            long diskBytes = Long.parseLong(source[1]);
            List<ByteRange> chunks = Files.readAllLines(Path.of(source[2])).stream()
                    .map(l -> l.split(" ")).map(p -> new ByteRange(Long.parseLong(p[0]), Long.parseLong(p[1]))).toList();
            StagingBlobName name = StagingBlobName.forVolume(backupId, "pvc");
            long read;
            long written;
            long copyNanos;
            long started = System.nanoTime();
            if (mode.equals("ceiling")) {
                written = ceiling(new TimedStaging(staging.blob(name)), diskBytes, chunks, parallelism);
                read = 0;
                copyNanos = System.nanoTime() - started;
            } else {
                CopyEngineKind engine = CopyEngineKind.fromWireName(mode);
                // The engine reports progress when the copy starts and when it ends: that span is the copy phase.
                long[] copyPhase = {0, 0};
                ProgressListener phase = (done, total) -> {
                    long now = System.nanoTime();
                    if (copyPhase[0] == 0) {
                        copyPhase[0] = now;
                    }
                    copyPhase[1] = now;
                };
                ExportOutcome outcome = exporter.export(ExportRequest.full(backupId, "pvc", snapshotId,
                        diskBytes, engine, parallelism, Duration.ofHours(1)), phase, new Cancellation());
                copyNanos = copyPhase[1] - copyPhase[0];
                written = outcome.bytesMoved();
                read = engine == CopyEngineKind.STREAMING ? outcome.bytesRead() : -1;
            }
            return new long[] {read, written, System.nanoTime() - started, copyNanos};
        }

        /** Put Page of the planned chunks (random bytes) with {@code parallelism} threads, one buffer each. */
        private static long ceiling(StagingBlob blob, long diskBytes, List<ByteRange> chunks, int parallelism)
                throws Exception {
            blob.createIfAbsent(diskBytes + 512, Map.of());
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(parallelism);
            List<Future<Long>> workers = new ArrayList<>();
            for (int w = 0; w < parallelism; w++) {
                workers.add(pool.submit(() -> {
                    byte[] buffer = new byte[PageRangePlanner.MAX_CHUNK_BYTES];
                    new Random(7).nextBytes(buffer);
                    long bytes = 0;
                    for (int i; (i = next.getAndIncrement()) < chunks.size(); ) {
                        ByteRange chunk = chunks.get(i);
                        blob.putPages(chunk.start(), buffer, (int) chunk.length());
                        bytes += chunk.length();
                    }
                    return bytes;
                }));
            }
            long total = 0;
            for (Future<Long> worker : workers) {
                total += worker.get();
            }
            pool.shutdown();
            return total;
        }

        private static long peakRssKb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return -1;
        }
    }
}
