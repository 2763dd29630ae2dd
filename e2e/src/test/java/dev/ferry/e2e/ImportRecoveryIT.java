package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.Topics;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.compute.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crash safety of import-service (issue #21): the Azure fake's long-running operations take seconds, so that
 * import-service is caught with its Import snapshots created in region B and still provisioning; it is killed with
 * SIGKILL and started again. The redelivered {@code VhdExported} records find the snapshots the dead process created:
 * exactly one region-B snapshot per volume, the VHDs deleted, the restore point complete and restored byte for byte.
 */
class ImportRecoveryIT {

    private static final long MIB = 1 << 20;
    private static final String IMPORT_SERVICE = "import-service";
    private static final String BACKUP_TAG = "ferry.backupId";
    /** How long each of the fake's long-running operations (grant, revoke, Import) takes until the kill. */
    private static final Duration OPERATION_DELAY = Duration.ofSeconds(8);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static FerryStack stack;
    private static DrScenario scenario;

    @BeforeAll
    static void start() throws Exception {
        Layout layout = Layout.find();
        Path run = Files.createDirectories(layout.root().resolve("e2e/target/e2e-import-recovery"));
        // The restarted process gets the records once the killed one has left the group, after its session times out:
        // 6 s, the broker's minimum (group.min.session.timeout.ms), against Kafka's 45 s default.
        Map<String, String> imports = Map.of(
                "mp.messaging.incoming.vhd-exported.session.timeout.ms", "6000",
                "mp.messaging.incoming.vhd-exported.heartbeat.interval.ms", "1000");
        stack = FerryStack.start(layout, run, null, new FerryStack.Options(1, Map.of(IMPORT_SERVICE, imports)),
                ImportRecoveryIT::say);
        scenario = new DrScenario(stack, ImportRecoveryIT::say, TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.cloud().azure().operations().delay(Duration.ZERO);
            stack.close();
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void anImportWhoseServiceIsKilledMidwayEndsWithOneSnapshotPerVolumeAndNoVhd() throws Exception {
        var compute = stack.cloud().azure().compute();
        DemoApp app = DemoApp.create(stack.cloud(), "importer", List.of(new DemoApp.Volume("data", 1, 2),
                new DemoApp.Volume("logs", 1, 1)));
        app.write(compute, 12 * MIB);

        stack.cloud().azure().operations().delay(OPERATION_DELAY);
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            // vhd-full: the import under test is of a staging VHD, deleted once imported.
            CompletableFuture<DrScenario.Backup> backup = CompletableFuture.supplyAsync(() -> scenario.backup(app, "vhd-full"),
                    background);

            // Both volumes' Import snapshots exist in region B and are still provisioning: import-service waits on them.
            List<Snapshot> importing;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while ((importing = regionB().stream().filter(s -> !"Succeeded".equals(s.provisioningState())).toList()).size() < 2) {
                assertThat(backup).as("the backup must not finish before the kill").isNotDone();
                assertThat(System.nanoTime()).as("Import snapshots in region B").isLessThan(deadline);
                ManagedProcess.sleep(Duration.ofMillis(50));
            }
            String backupId = importing.get(0).tags().get(BACKUP_TAG);
            long killedAt = System.nanoTime();
            int exitCode = stack.kill(IMPORT_SERVICE);
            assertThat(exitCode).as("exit code of SIGKILL").isEqualTo(ManagedProcess.SIGKILL_EXIT_CODE);
            say("killed import-service (SIGKILL) while it imported " + importing.stream().map(s -> s.key().name() + " ("
                    + s.provisioningState() + ")").toList() + "; VHDs in staging: " + vhds(backupId));
            assertThat(vhds(backupId)).as("VHDs not yet imported").hasSize(2);
            // Azure goes on with an Import whose caller died; the restarted service finds it.
            stack.cloud().azure().operations().delay(Duration.ZERO);

            stack.restart(IMPORT_SERVICE);
            long readyAt = System.nanoTime();
            DrScenario.Backup done = backup.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long completeAt = System.nanoTime();
            assertThat(done.backupId()).isEqualTo(backupId);

            // Exactly one region-B snapshot per volume, of this backup, provisioned.
            List<Snapshot> snapshots = regionB().stream().filter(s -> backupId.equals(s.tags().get(BACKUP_TAG))).toList();
            assertThat(snapshots).hasSize(2).allSatisfy(s -> assertThat(s.provisioningState()).isEqualTo("Succeeded"));
            assertThat(snapshots.stream().map(s -> s.tags().get("ferry.pvc")).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("data", "logs");
            assertThat(awaitNoVhds(backupId)).as("VHDs left in the staging account").isEmpty();

            // SnapshotRecreated per volume: at least one, each naming the one snapshot.
            Map<String, Long> recreated = stack.kafka().read(Topics.SNAPSHOT_RECREATED, r -> r.text().contains("\"" + backupId + "\""),
                            6, Duration.ofSeconds(5)).stream().map(r -> EventJson.read(r.value(), SnapshotRecreated.class))
                    .peek(e -> assertThat(snapshots.stream().map(Snapshot::id).toList()).anySatisfy(
                            id -> assertThat(id).isEqualToIgnoringCase(e.targetSnapshotId().toString())))
                    .collect(Collectors.groupingBy(e -> e.volume().pvc().name(), Collectors.counting()));
            assertThat(recreated).containsOnlyKeys("data", "logs");

            DrScenario.Restore restored = scenario.restore(backupId, "importer-restored", null);
            assertThat(scenario.verify("importer-restored", done.contents())).isEmpty();
            say(String.format("figures: import-service ready %.1f s after the kill, restore point complete %.1f s after the kill; "
                            + "%d region-B snapshots for 2 volumes; SnapshotRecreated per volume %s; 0 VHDs left; restored in %d ms",
                    (readyAt - killedAt) / 1e9, (completeAt - killedAt) / 1e9, snapshots.size(), recreated,
                    restored.restoreTime().toMillis()));
        } finally {
            stack.cloud().azure().operations().delay(Duration.ZERO);
            background.shutdownNow();
        }
    }

    /** The snapshots in the region-B resource group import-service writes to. */
    private static List<Snapshot> regionB() {
        return stack.cloud().azure().compute().snapshots(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP);
    }

    private static List<String> vhds(String backupId) {
        BlobContainerClient vhds = new BlobServiceClientBuilder()
                .connectionString(stack.cloud().storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT))
                .buildClient().getBlobContainerClient("vhds");
        return vhds.listBlobs(new ListBlobsOptions().setPrefix(backupId + "/"), null).stream().map(BlobItem::getName).toList();
    }

    /** The VHDs under {@code vhds/<backupId>/} once import-service has had a few seconds to delete them. */
    private static List<String> awaitNoVhds(String backupId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> left;
        do {
            left = vhds(backupId);
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
