package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.events.Topics;
import dev.ferry.events.VhdExported;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crash safety of export-service (issue #5): two replicas in one consumer group; the one that is
 * copying a volume is killed with SIGKILL mid-copy; the other takes the record over after the
 * group rebalances, resumes the copy from what the staging blob already holds, revokes the SAS and
 * announces the VHD once, and the restore point restores byte for byte. The same for a diff of the
 * incremental transfer: the other replica repeats it into the disk's replica, leaves no grant open on
 * either snapshot, and the restore point of the diff restores byte for byte.
 */
class ExportTakeoverIT {

    private static final long MIB = 1 << 20;
    private static final String GROUP = "ferry-export-service";
    /** The copy is held to this per blob (Azure's per-blob target is about 60 MiB/s), so 96 MiB take about 12 s. */
    private static final long BLOB_BANDWIDTH = 8 * MIB;
    private static final long WRITTEN = 96 * MIB;
    private static final int PARALLELISM = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** A copy start or resume line of VhdExporter: backupId, pvcUid, created or reusing, bytes to copy, bytes present. */
    private static final Pattern COPY_LINE = Pattern.compile(
            "export ([a-z0-9-]+)/([a-z0-9-]+): (created|reusing) staging blob .*?(\\d+) chunks \\((\\d+) bytes\\) to copy, "
                    + "(\\d+) chunks \\((\\d+) bytes\\) already present");

    private static FerryStack stack;
    private static DrScenario scenario;

    @BeforeAll
    static void start() throws Exception {
        Layout layout = Layout.find();
        Path run = Files.createDirectories(layout.root().resolve("e2e/target/e2e-takeover"));
        // A killed consumer leaves the group after its session times out: 6 s is the broker's minimum
        // (group.min.session.timeout.ms), against Kafka's 45 s default.
        Map<String, String> export = Map.of(
                "mp.messaging.incoming.snapshot-taken.session.timeout.ms", "6000",
                "mp.messaging.incoming.snapshot-taken.heartbeat.interval.ms", "1000",
                "ferry.transfer.engine", "server-side",
                "ferry.transfer.parallelism", Integer.toString(PARALLELISM));
        stack = FerryStack.start(layout, run, null, new FerryStack.Options(2, Map.of(FerryStack.EXPORT_SERVICE, export)),
                ExportTakeoverIT::say);
        scenario = new DrScenario(stack, ExportTakeoverIT::say, TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSecondReplicaTakesOverAnExportWhoseReplicaIsKilledMidCopy() throws Exception {
        List<String> replicas = stack.exportReplicas();
        restartKilledReplicas(replicas);
        assertThat(replicas).containsExactly("export-service-1", "export-service-2");
        Faults faults = stack.cloud().azure().faults();
        faults.blobBandwidth(BLOB_BANDWIDTH);
        // A fault with no latency and no error changes nothing but is counted when a request meets it:
        // this counts the Put Page From URL requests the storage front receives.
        faults.inject(Faults.Kind.PUT_PAGE_FROM_URL, Faults.Fault.latency(Duration.ZERO), 100_000);
        DemoApp app = DemoApp.create(stack.cloud(), "crashy", List.of(new DemoApp.Volume("data", 1, 1)));
        app.write(stack.cloud().azure().compute(), WRITTEN);
        // Another test of this class may have left source snapshots of its own.
        List<ResourceKey> earlier = stack.cloud().azure().compute().snapshots(LocalCloud.SUBSCRIPTION_ID,
                LocalCloud.SOURCE_NODE_GROUP).stream().map(s -> s.key()).toList();
        long written = app.contents().writtenBytes("data");
        awaitExportGroup(2);

        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            long requested = System.nanoTime();
            // The takeover under test is VhdExporter's (its staging blob and log lines): vhd-full, whatever snapshot-service's default.
            CompletableFuture<DrScenario.Backup> backup = CompletableFuture.supplyAsync(() -> scenario.backup(app, "vhd-full"),
                    background);

            // The replica whose log says it started copying the volume is the one to kill.
            Copy first = awaitCopyLine(replicas, backup);
            assertThat(first.action()).isEqualTo("created");
            String survivor = replicas.stream().filter(r -> !r.equals(first.replica())).findFirst().orElseThrow();
            PageBlobClient staging = stagingContainer().getBlobClient(first.backupId() + "/" + first.pvcUid() + ".vhd").getPageBlobClient();

            // Kill it once part of the data, and not all, is in the staging blob.
            long present;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while ((present = presentBytes(staging)) < written / 3) {
                assertThat(backup).as("the backup must not finish before the kill").isNotDone();
                assertThat(System.nanoTime()).as("data reaching the staging blob").isLessThan(deadline);
                ManagedProcess.sleep(Duration.ofMillis(100));
            }
            long killedAt = System.nanoTime();
            int requestsBeforeKill = faults.served(Faults.Kind.PUT_PAGE_FROM_URL);
            int exitCode = stack.kill(first.replica());
            long presentAtKill = presentBytes(staging);
            assertThat(exitCode).as("exit code of SIGKILL").isEqualTo(ManagedProcess.SIGKILL_EXIT_CODE);
            assertThat(presentAtKill).isLessThan(written);
            // The killed replica had no chance to revoke its read access on the snapshot.
            var compute = stack.cloud().azure().compute();
            List<ResourceKey> snapshots = compute.snapshots(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP).stream()
                    .map(s -> s.key()).filter(k -> !earlier.contains(k)).toList();
            assertThat(snapshots).hasSize(1);
            ResourceKey snapshot = snapshots.get(0);
            assertThat(compute.activeGrant(snapshot)).as("SAS grant left open by the killed replica").isPresent();
            say(String.format("killed %s (SIGKILL, exit %d) %.1f s into its copy, with %s of %s in the staging blob",
                    first.replica(), exitCode, (killedAt - first.seenAt()) / 1e9, DrScenario.mib(presentAtKill), DrScenario.mib(written)));

            // The other replica gets the record once the group has rebalanced, and resumes.
            Copy resumed = awaitCopyLine(List.of(survivor), backup);
            long takeover = resumed.seenAt() - killedAt;
            say(String.format("%s resumed %.1f s after the kill: %s to copy, %s already present", survivor, takeover / 1e9,
                    DrScenario.mib(resumed.bytesToCopy()), DrScenario.mib(resumed.bytesPresent())));
            assertThat(resumed.action()).isEqualTo("reusing");
            assertThat(resumed.backupId()).isEqualTo(first.backupId());
            assertThat(resumed.bytesPresent()).as("what the killed replica wrote is kept").isGreaterThanOrEqualTo(presentAtKill);
            assertThat(resumed.chunksToCopy()).isLessThan(first.chunksToCopy());
            assertThat(takeover).as("takeover delay").isLessThan(Duration.ofSeconds(30).toNanos());

            DrScenario.Backup done = backup.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long wall = System.nanoTime() - requested;
            int requestsAfterKill = faults.served(Faults.Kind.PUT_PAGE_FROM_URL) - requestsBeforeKill;

            // One VhdExported for the volume (a redelivery may repeat it, naming the same blob).
            List<VhdExported> exported = stack.kafka().read(Topics.VHD_EXPORTED, r -> r.text().contains("\"" + done.backupId() + "\""),
                    2, Duration.ofSeconds(5)).stream().map(r -> EventJson.read(r.value(), VhdExported.class)).toList();
            assertThat(exported).isNotEmpty().hasSizeLessThanOrEqualTo(2);
            assertThat(exported.stream().map(e -> e.vhd().url()).distinct()).hasSize(1);
            VhdExported vhd = exported.get(0);
            // The resumed attempt moved only what the killed one had not: less than the data written.
            long moved = vhd.transfer().bytesMoved();
            assertThat(moved).isEqualTo(resumed.bytesToCopy()).isLessThan(written);
            // The storage front saw one Put Page From URL per planned chunk (more only if a call was retried).
            assertThat(requestsAfterKill).isGreaterThanOrEqualTo(resumed.chunksToCopy()).isLessThan(first.chunksToCopy());
            // Both attempts together copied each chunk once, but for those in flight when the copier died.
            assertThat(requestsBeforeKill + requestsAfterKill).isLessThanOrEqualTo(first.chunksToCopy() + PARALLELISM);
            say(String.format("%d VhdExported: %s moved by %s in %d ms (%d Put Page From URL requests after the kill for %d chunks, "
                            + "%d before; %d chunks planned at first)", exported.size(), DrScenario.mib(moved), survivor,
                    vhd.transfer().durationMillis(), requestsAfterKill, resumed.chunksToCopy(), requestsBeforeKill, first.chunksToCopy()));

            // No SAS left open on the source snapshot, no VHD left in the staging account.
            assertThat(ResourceKey.parse(vhd.volume().source().snapshotId().toString())).isEqualTo(snapshot);
            assertThat(stack.cloud().azure().compute().activeGrant(snapshot)).as("SAS grant on the source snapshot").isEmpty();
            assertThat(awaitNoBlobs(done.backupId())).as("VHDs left in the staging account").isEmpty();

            scenario.restore(done.backupId(), "crashy-restored", null);
            assertThat(scenario.verify("crashy-restored", done.contents())).isEmpty();
            say(String.format("figures: copy before kill %.1f s, %s in the staging blob at the kill (%d Put Page From URL requests); "
                            + "takeover %.1f s; resumed attempt moved %s in %.1f s; %s written; backup wall time %.1f s",
                    (killedAt - first.seenAt()) / 1e9, DrScenario.mib(presentAtKill), requestsBeforeKill, takeover / 1e9,
                    DrScenario.mib(moved), vhd.transfer().durationMillis() / 1e3, DrScenario.mib(written), wall / 1e9));
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aDiffWhoseReplicaIsKilledMidwayIsRepeatedByTheOtherReplicaAndRestoresExactly() throws Exception {
        List<String> replicas = stack.exportReplicas();
        restartKilledReplicas(replicas);
        Faults faults = stack.cloud().azure().faults();
        DemoApp app = DemoApp.create(stack.cloud(), "crashy-diff", List.of(new DemoApp.Volume("data", 1, 1)));
        var compute = stack.cloud().azure().compute();
        app.write(compute, 32 * MIB);
        awaitExportGroup(2);
        DrScenario.Backup first = scenario.backup(app, "vhd-incremental");
        assertThat(first.volumes()).singleElement().satisfies(v -> assertThat(v.mode()).isEqualTo("full"));

        // A change of every written extent, copied at 4 MiB/s into the disk's replica: about 8 s of diff.
        app.change(compute, 1.0);
        faults.blobBandwidth(4 * MIB);
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<DrScenario.Backup> backup = CompletableFuture.supplyAsync(
                    () -> scenario.backup(app, "vhd-incremental"), background);
            Diff started = awaitDiffLine(replicas, backup, null);
            ManagedProcess.sleep(Duration.ofSeconds(2));
            assertThat(backup).as("the backup must not finish before the kill").isNotDone();
            int exitCode = stack.kill(started.replica());
            assertThat(exitCode).isEqualTo(ManagedProcess.SIGKILL_EXIT_CODE);
            say(String.format("killed %s (SIGKILL) 2 s into its diff of backup %s", started.replica(), started.backupId()));

            String survivor = replicas.stream().filter(r -> !r.equals(started.replica())).findFirst().orElseThrow();
            Diff repeated = awaitDiffLine(List.of(survivor), backup, started.backupId());
            DrScenario.Backup done = backup.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            faults.blobBandwidth(0);

            assertThat(repeated.backupId()).isEqualTo(done.backupId());
            assertThat(done.volumes()).singleElement().satisfies(v -> {
                assertThat(v.mode()).isEqualTo("diff");
                assertThat(v.bytesMoved()).isPositive().isLessThanOrEqualTo(v.bytesChanged());
            });
            // Neither the killed replica's grants nor the survivor's stay open: both snapshots of the diff.
            for (ResourceKey snapshot : compute.snapshots(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP).stream()
                    .map(s -> s.key()).toList()) {
                assertThat(compute.activeGrant(snapshot)).as("SAS grant on %s", snapshot.name()).isEmpty();
            }
            scenario.restore(done.backupId(), "crashy-diff-restored", null);
            assertThat(scenario.verify("crashy-diff-restored", done.contents())).isEmpty();
            say(String.format("%s repeated the diff; %s moved; restored byte for byte", survivor,
                    DrScenario.mib(done.volumes().get(0).bytesMoved())));
        } finally {
            faults.blobBandwidth(0);
            background.shutdownNow();
        }
    }

    /** Each test begins with two replicas: one an earlier test killed starts again. */
    private static void restartKilledReplicas(List<String> replicas) {
        for (String replica : replicas) {
            if (!stack.process(replica).alive()) {
                say("restarting " + replica + ", killed by an earlier test");
                stack.restart(replica);
            }
        }
    }

    /** A replica's log line saying it starts a diff of a volume's backup. */
    private record Diff(String replica, String backupId) {
    }

    private static final Pattern DIFF_LINE = Pattern.compile("export ([a-z0-9-]+)/([a-z0-9-]+): diff against ");

    private static Diff awaitDiffLine(List<String> replicas, CompletableFuture<?> backup, String backupId) {
        LogLine line = awaitLogLine(replicas, backup, DIFF_LINE, m -> backupId == null || backupId.equals(m.group(1)), "a diff");
        return new Diff(line.replica(), line.match().group(1));
    }

    /** The first line of a replica's log that matches, with the replica and when this test saw it. */
    private record LogLine(String replica, java.util.regex.MatchResult match, long seenAt) {
    }

    private static LogLine awaitLogLine(List<String> replicas, CompletableFuture<?> backup, Pattern pattern,
                                        java.util.function.Predicate<Matcher> wanted, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String replica : replicas) {
                Path log = stack.process(replica).log();
                try {
                    if (Files.exists(log)) {
                        for (String text : Files.readAllLines(log)) {
                            Matcher m = pattern.matcher(text);
                            if (m.find() && wanted.test(m)) {
                                return new LogLine(replica, m.toMatchResult(), System.nanoTime());
                            }
                        }
                    }
                } catch (java.io.IOException e) {
                    // The log is being written; read it again.
                }
            }
            if (backup.isDone()) {
                backup.join();
                throw new IllegalStateException("the backup ended before " + replicas + " logged " + what);
            }
            ManagedProcess.sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException(replicas + " logged no " + what + " within " + TIMEOUT);
    }

    /** A replica's log line saying it starts (or resumes) copying a volume, and when this test saw it. */
    private record Copy(String replica, String backupId, String pvcUid, String action, int chunksToCopy, long bytesToCopy,
                        long bytesPresent, long seenAt) {
    }

    private static Copy awaitCopyLine(List<String> replicas, CompletableFuture<?> backup) {
        LogLine line = awaitLogLine(replicas, backup, COPY_LINE, m -> true, "a copy");
        java.util.regex.MatchResult m = line.match();
        return new Copy(line.replica(), m.group(1), m.group(2), m.group(3), Integer.parseInt(m.group(4)),
                Long.parseLong(m.group(5)), Long.parseLong(m.group(7)), line.seenAt());
    }

    /** Waits until the export group is stable with this many members, each with partitions, so no rebalance moves the copy. */
    private static void awaitExportGroup(int members) throws Exception {
        try (Admin admin = Admin.create(stack.kafkaClientSettings())) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            ConsumerGroupDescription group = null;
            while (System.nanoTime() < deadline) {
                group = admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP);
                if (group.groupState() == GroupState.STABLE && group.members().size() == members
                        && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                ManagedProcess.sleep(Duration.ofMillis(250));
            }
            throw new IllegalStateException("the export group did not settle with " + members + " members: " + group);
        }
    }

    private static BlobContainerClient stagingContainer() {
        return new BlobServiceClientBuilder().connectionString(stack.cloud().storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT))
                .buildClient().getBlobContainerClient("vhds");
    }

    /** Bytes the staging blob holds (its written page ranges); 0 before it exists. */
    private static long presentBytes(PageBlobClient blob) {
        if (!blob.exists()) {
            return 0;
        }
        long bytes = 0;
        for (PageRange range : blob.getPageRanges(null).getPageRange()) {
            bytes += range.getEnd() - range.getStart() + 1;
        }
        return bytes;
    }

    /** The blobs under {@code vhds/<backupId>/} once import-service has had a few seconds to delete them. */
    private static List<String> awaitNoBlobs(String backupId) {
        BlobContainerClient vhds = stagingContainer();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left;
        do {
            left = vhds.listBlobs(new ListBlobsOptions().setPrefix(backupId + "/"), null).stream().map(BlobItem::getName).toList();
            if (left.isEmpty()) {
                return left;
            }
            ManagedProcess.sleep(Duration.ofMillis(250));
        } while (System.nanoTime() < deadline);
        return left;
    }

    private static void say(String line) {
        System.out.println("[e2e] " + line);
    }
}
