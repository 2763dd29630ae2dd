package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.events.RestoreCompleted;
import dev.ferry.events.Topics;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Crash safety of restore-service (issue #21): a restore whose objects are created and whose PVCs are still Pending
 * (the DR cluster's CSI simulator holds them back) outlives a SIGKILL of the service. After the restart the restore is
 * known again, runs again from its kept plan, finds what the first run created instead of making it twice, completes
 * once the PVCs bind, restores byte for byte and is reported; a restore that had completed before the kill is still
 * readable.
 */
class RestoreRecoveryIT {

    private static final long MIB = 1 << 20;
    private static final String RESTORE_SERVICE = "restore-service";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static FerryStack stack;
    private static DrScenario scenario;

    @BeforeAll
    static void start() throws Exception {
        Layout layout = Layout.find();
        Path run = Files.createDirectories(layout.root().resolve("e2e/target/e2e-restore-recovery"));
        stack = FerryStack.start(layout, run, null, RestoreRecoveryIT::say);
        scenario = new DrScenario(stack, RestoreRecoveryIT::say, TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aRestoreUnderWayWhenTheServiceIsKilledCompletesAfterTheRestartWithNothingMadeTwice() throws Exception {
        DemoApp app = DemoApp.create(stack.cloud(), "rescue", List.of(new DemoApp.Volume("data", 1, 2),
                new DemoApp.Volume("logs", 1, 1)));
        app.write(stack.cloud().azure().compute(), 12 * MIB);
        DrScenario.Backup backup = scenario.backup(app);
        List<String> pvcs = List.copyOf(backup.contents().extents().keySet());
        assertThat(pvcs).hasSize(2);

        // A restore that completes before the kill: it must still be readable afterwards.
        DrScenario.Restore before = scenario.restore(backup.backupId(), "rescue-before", null);

        // The restore under test: its PVCs are held Pending, so it is mid-way when the service dies.
        String target = "rescue-restored";
        stack.cloud().drCsi().holdClaims(target);
        Api restores = stack.restoreService();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("restorePointId", backup.backupId());
        body.put("targetNamespace", target);
        body.put("createNamespace", true);
        String restoreId = restores.expect(202, restores.post("/api/v1/restores", body), "POST /api/v1/restores")
                .path("restoreId").asText();
        KubernetesClient dr = stack.cloud().drCluster().client();
        scenario.awaitState(() -> restores.get("/api/v1/restores/" + restoreId).body(),
                view -> objects(dr, restoreId).get("PersistentVolumeClaim") == pvcs.size()
                        && objects(dr, restoreId).get("VolumeSnapshot") == pvcs.size()
                        && objects(dr, restoreId).get("VolumeSnapshotContent") == pvcs.size()
                        && phases(dr, target).equals(List.of("Pending", "Pending")),
                "restore " + restoreId + " to create its objects");
        assertThat(restores.get("/api/v1/restores/" + restoreId).body().path("state").asText()).isEqualTo("RUNNING");
        assertThat(phases(dr, target)).as("PVCs held back by the CSI simulator").containsOnly("Pending");

        long killedAt = System.nanoTime();
        int exitCode = stack.kill(RESTORE_SERVICE);
        assertThat(exitCode).as("exit code of SIGKILL").isEqualTo(ManagedProcess.SIGKILL_EXIT_CODE);
        say("killed restore-service (SIGKILL) with restore " + restoreId + " under way: " + objects(dr, restoreId)
                + ", PVCs " + phases(dr, target));

        stack.restart(RESTORE_SERVICE);
        long readyAt = System.nanoTime();
        // The kept restore is known again once the service has read its ledger back (after the catalog).
        // Ready means the kept restores have been read back: the restore is known at once, never a 404.
        JsonNode known = restores.expect(200, restores.get("/api/v1/restores/" + restoreId), "GET /api/v1/restores/" + restoreId
                + " as soon as restore-service is ready again");
        long knownAt = System.nanoTime();
        say(String.format("restore-service ready %.1f s after the kill; restore %s known again %.1f s later, %s",
                (readyAt - killedAt) / 1e9, restoreId, (knownAt - readyAt) / 1e9, known.path("state").asText()));
        assertThat(known.path("state").asText()).isIn("ACCEPTED", "RUNNING");
        assertThat(phases(dr, target)).as("PVCs still held back").containsOnly("Pending");

        // The PVCs bind, as the provisioner would once its disks are made; the resumed run sees them Bound.
        stack.cloud().drCsi().releaseClaims(target);
        long releasedAt = System.nanoTime();
        JsonNode done = scenario.awaitState(() -> restores.get("/api/v1/restores/" + restoreId).body(), view -> {
            assertThat(view.path("state").asText()).as("restore " + restoreId + ": " + view).isNotEqualTo("FAILED");
            return view.path("state").asText().equals("COMPLETED");
        }, "restore " + restoreId + " to complete after the restart");
        long completedAt = System.nanoTime();

        // Exactly one PVC, VolumeSnapshot and VolumeSnapshotContent per volume, every PVC Bound, the disks exact.
        assertThat(objects(dr, restoreId)).containsEntry("PersistentVolumeClaim", pvcs.size())
                .containsEntry("VolumeSnapshot", pvcs.size()).containsEntry("VolumeSnapshotContent", pvcs.size());
        assertThat(dr.persistentVolumeClaims().inNamespace(target).list().getItems()).hasSize(pvcs.size());
        assertThat(phases(dr, target)).containsOnly("Bound");
        assertThat(done.path("volumes")).hasSize(pvcs.size());
        assertThat(scenario.verify(target, backup.contents())).isEmpty();

        // Reported at least once (an event sent before the kill would be sent again: at least once, keyed by restore id).
        List<RestoreCompleted> reported = stack.kafka().read(Topics.RESTORE_COMPLETED,
                        r -> r.text().contains("\"" + restoreId + "\""), 3, Duration.ofSeconds(10)).stream()
                .map(r -> EventJson.read(r.value(), RestoreCompleted.class)).toList();
        assertThat(reported).isNotEmpty().allSatisfy(e -> {
            assertThat(e.restoreId()).isEqualTo(restoreId);
            assertThat(e.targetNamespace()).isEqualTo(target);
            assertThat(e.volumes()).hasSize(pvcs.size());
        });

        // The restore finished before the kill is still known, as it was.
        JsonNode earlier = restores.expect(200, restores.get("/api/v1/restores/" + before.restoreId()),
                "GET /api/v1/restores/" + before.restoreId());
        assertThat(earlier.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(earlier.path("targetNamespace").asText()).isEqualTo("rescue-before");
        assertThat(earlier.path("volumes")).hasSize(pvcs.size());
        List<RestoreCompleted> reportedBefore = stack.kafka().read(Topics.RESTORE_COMPLETED,
                        r -> r.text().contains("\"" + before.restoreId() + "\""), 3, Duration.ofSeconds(3)).stream()
                .map(r -> EventJson.read(r.value(), RestoreCompleted.class)).toList();
        assertThat(reportedBefore).as("the restore reported before the kill is not reported again").hasSize(1);

        say(String.format("figures: restart to ready %.1f s, ready to known %.1f s, release to COMPLETED %.1f s, "
                        + "kill to COMPLETED %.1f s (with the PVCs held %.1f s of it); restore %s reported %d time(s) by "
                        + "ferry.restore.completed, its objects %s, restoreDurationMillis %d",
                (readyAt - killedAt) / 1e9, (knownAt - readyAt) / 1e9, (completedAt - releasedAt) / 1e9,
                (completedAt - killedAt) / 1e9, (releasedAt - killedAt) / 1e9, restoreId, reported.size(),
                objects(dr, restoreId), done.path("restoreDurationMillis").asLong()));
    }

    /** The restore's objects on the DR cluster by kind, counted through its restore-id label. */
    private static Map<String, Integer> objects(KubernetesClient dr, String restoreId) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("PersistentVolumeClaim", dr.persistentVolumeClaims().inAnyNamespace()
                .withLabel(DrillObjects.RESTORE_ID, restoreId).list().getItems().size());
        counts.put("VolumeSnapshot", dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inAnyNamespace()
                .withLabel(DrillObjects.RESTORE_ID, restoreId).list().getItems().size());
        counts.put("VolumeSnapshotContent", dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withLabel(DrillObjects.RESTORE_ID, restoreId).list().getItems().size());
        return counts;
    }

    /** The phases of the namespace's PVCs (null for one not yet given a phase). */
    private static List<String> phases(KubernetesClient dr, String namespace) {
        return dr.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
                .map(PersistentVolumeClaim::getStatus).map(s -> s == null ? null : s.getPhase()).toList();
    }

    private static void say(String line) {
        System.out.println("[e2e] " + line);
    }
}
