package dev.ferry.snapshot;

import org.junit.jupiter.api.BeforeEach;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.RestAssured;
import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static dev.ferry.snapshot.SourceCluster.boundClaim;
import static dev.ferry.snapshot.SourceCluster.client;
import static dev.ferry.snapshot.SourceCluster.namespace;
import static dev.ferry.snapshot.SourceCluster.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.ferry.events.BackupRequested;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.Topics;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.kafka.TopicProbe;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Azure's limit of seven snapshots per disk within the window, kept by the snapshot service against
 * a real broker, the source cluster's Kubernetes mock with the CSI simulator and the Azure fake: seven
 * backups of a PVC are taken, the eighth is refused before any VolumeSnapshot exists, with the
 * Retry-After after which it is taken, and other PVCs go on. The window is 45 s here (the limit is the
 * default 7), so the test can wait it out; the Azure fake is told a window as short (less 2 s for
 * its later record of each snapshot), so that the eighth, once the service takes it, is also one
 * Azure would take.
 */
@QuarkusTest
@TestProfile(SnapshotRateLimitIT.ShortWindow.class)
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true)
class SnapshotRateLimitIT {

    /** These tests are not about who may call: they call as the cluster's administrator (AccessControlIT is about who may). */
    @BeforeEach
    void callAsClusterAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalCloudTestResource.adminToken()).build();
    }

    private static final Duration WINDOW = Duration.ofSeconds(45);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventSource OTHER_SYSTEM = new EventSource("scheduler", "ops");

    /** The default limit of 7, in a window short enough to wait out. */
    public static final class ShortWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ferry.snapshot.rate-limit.window", WINDOW.toSeconds() + "s");
        }
    }

    @Test
    void sevenBackupsOfAPvcAreTakenAndTheEighthIsRefusedUntilTheOldestLeavesTheWindowWhileAnotherPvcGoesOn() {
        // The Azure fake keeps the same limit in a short window too, as Azure keeps it in 5 minutes. Its window is 2 s
        // shorter: it counts from its own record of each snapshot, made a moment after the simulator's creationTime,
        // which the service counts from; a fake stricter than the service at the edge would refuse the eighth.
        LocalCloudTestResource.cloud().azure().compute().snapshotsPerDiskLimit(7, WINDOW.minusSeconds(2));
        String namespace = namespace("shop");
        boundClaim(namespace, "orders-db", Map.of());
        boundClaim(namespace, "cart-cache", Map.of());

        List<String> seven = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seven.add(backup(namespace, List.of("orders-db")).then().statusCode(202).extract().path("backupId"));
        }
        seven.forEach(backupId -> awaitTaken(backupId, 1));
        assertThat(snapshotsOf(namespace, "orders-db")).hasSize(7);
        Instant oldest = snapshotsOf(namespace, "orders-db").stream().map(SnapshotRateLimitIT::taken).min(Comparator.naturalOrder())
                .orElseThrow();

        Instant before = Instant.now();
        Response refused = backup(namespace, List.of("orders-db"));
        Instant after = Instant.now();

        refused.then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("https://ferry.dev/problems/snapshot-rate-limited")).body("status", equalTo(429))
                .body("detail", containsString(namespace + "/orders-db")).body("errors[0]", startsWith("orders-db: 7 snapshots"));
        assertThat(refused.asString()).as("nothing is planned for a refused request").doesNotContain("backupId");
        // The seconds until the oldest of the seven leaves the window, rounded up, as the service saw the time.
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        Instant leaves = oldest.plus(WINDOW);
        assertThat(retryAfter).isPositive().isBetween(secondsUp(Duration.between(after, leaves)), secondsUp(Duration.between(before, leaves)));
        assertThat(snapshotsOf(namespace, "orders-db")).as("no eighth VolumeSnapshot").hasSize(7);

        // A request of both PVCs is refused whole: it names only orders-db and creates nothing for cart-cache.
        backup(namespace, null).then().statusCode(429).body("detail", not(containsString("cart-cache")))
                .body("errors.size()", equalTo(1));
        assertThat(snapshotsOf(namespace, "cart-cache")).isEmpty();
        // The other PVC on its own is not held back.
        String other = backup(namespace, List.of("cart-cache")).then().statusCode(202).extract().path("backupId");
        awaitTaken(other, 1);

        // A Kafka command for the PVC gets step.failed (intake, retryable) and no snapshot either.
        String commanded = UUID.randomUUID().toString();
        send(new BackupRequested(FerryEvent.SCHEMA_VERSION, commanded, "corr-" + commanded, "aks-source", namespace,
                List.of("orders-db"), null, null, null, null, null, "scheduler", Instant.now()), OTHER_SYSTEM);
        List<TopicProbe.Received> failed = kafka().read(Topics.STEP_FAILED, r -> r.text().contains(commanded), 1, WAIT);
        assertThat(failed).hasSize(1);
        StepFailed stepFailed = EventJson.read(failed.get(0).value(), StepFailed.class);
        assertThat(stepFailed.step()).isEqualTo(Step.INTAKE);
        assertThat(stepFailed.errorCode()).isEqualTo("SnapshotRateLimited");
        assertThat(stepFailed.retryable()).isTrue();
        assertThat(stepFailed.reason()).contains(namespace + "/orders-db").contains("can be made in");
        assertThat(snapshotsOf(namespace, "orders-db")).hasSize(7);

        // Once the Retry-After has passed, the same request is taken.
        sleepUntil(after.plusSeconds(retryAfter));
        String eighth = backup(namespace, List.of("orders-db")).then().statusCode(202).extract().path("backupId");
        awaitTaken(eighth, 1);
        assertThat(snapshotsOf(namespace, "orders-db")).hasSize(8);

        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).containsPattern("ferry_snapshot_rate_limited_total\\{[^}]*trigger=\"rest\"[^}]*} 2\\.0")
                .containsPattern("ferry_snapshot_rate_limited_total\\{[^}]*trigger=\"kafka\"[^}]*} 1\\.0");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Response backup(String namespace, List<String> pvcNames) {
        return given().contentType(ContentType.JSON)
                .body(pvcNames == null ? Map.of("namespace", namespace) : Map.of("namespace", namespace, "pvcNames", pvcNames))
                .post("/api/v1/backups");
    }

    /** The VolumeSnapshots of a PVC, whoever made them. */
    private static List<GenericKubernetesResource> snapshotsOf(String namespace, String pvc) {
        return client().genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace(namespace).list().getItems().stream()
                .filter(s -> pvc.equals(s.get("spec", "source", "persistentVolumeClaimName")))
                .toList();
    }

    /** When the snapshot was taken: the CSI driver's {@code status.creationTime}, else its {@code creationTimestamp}. */
    private static Instant taken(GenericKubernetesResource snapshot) {
        String cut = snapshot.get("status", "creationTime");
        return Instant.parse(cut != null ? cut : snapshot.getMetadata().getCreationTimestamp());
    }

    private static long secondsUp(Duration duration) {
        return Math.max(1, duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0));
    }

    private static void awaitTaken(String backupId, int count) {
        assertThat(kafka().read(Topics.SNAPSHOT_TAKEN, r -> r.text().contains(backupId), count, WAIT))
                .as("SnapshotTaken of %s", backupId).hasSize(count);
    }

    private static void sleepUntil(Instant instant) {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
