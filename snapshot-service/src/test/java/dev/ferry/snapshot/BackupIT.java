package dev.ferry.snapshot;

import org.junit.jupiter.api.BeforeEach;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.RestAssured;
import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static dev.ferry.snapshot.SourceCluster.boundClaim;
import static dev.ferry.snapshot.SourceCluster.client;
import static dev.ferry.snapshot.SourceCluster.createClaim;
import static dev.ferry.snapshot.SourceCluster.namespace;
import static dev.ferry.snapshot.SourceCluster.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.ferry.events.BackupRequested;
import dev.ferry.events.CopySpeed;
import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.Topics;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.TransferStats;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VhdBlob;
import dev.ferry.events.VhdExported;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.csi.CsiSimulator;
import dev.ferry.localcloud.kafka.TopicProbe;
import dev.ferry.localcloud.kube.KubeCluster;
import dev.ferry.support.messaging.DeadLetters;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The snapshot service against a real broker, the source cluster's Kubernetes mock with the CSI
 * simulator, and the Azure fake: backups over REST and Kafka become VolumeSnapshots, Azure snapshots
 * and SnapshotTaken events; bad requests get problem+json or the dead-letter topic.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true)
class BackupIT {

    /** These tests are not about who may call: they call as the cluster's administrator (AccessControlIT is about who may). */
    @BeforeEach
    void callAsClusterAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalCloudTestResource.adminToken()).build();
    }

    @Inject
    MeterRegistry metrics;

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long GIB = 1L << 30;
    private static final String SOURCE = "/ferry/snapshot-service/aks-source";
    private static final EventSource OTHER_SYSTEM = new EventSource("scheduler", "ops");


    @Test
    void aRestBackupOfThreePvcsEmitsThreeCorrectSnapshotTakenAndTheNextOneNamesThePreviousSnapshot() {
        String namespace = namespace("shop");
        List<PersistentVolumeClaim> claims = List.of(boundClaim(namespace, "orders-db", Map.of("app", "shop")),
                boundClaim(namespace, "cart-cache", Map.of("app", "shop")), boundClaim(namespace, "media", Map.of("app", "shop")));
        pendingClaim(namespace, "nfs-share", "azurefile-nfs");

        Response accepted = given().contentType(ContentType.JSON).header("X-Correlation-Id", "ticket-4711")
                .body(Map.of("namespace", namespace))
                .post("/api/v1/backups");

        accepted.then().statusCode(202).header("Location", endsWith("/api/v1/backups/" + accepted.path("backupId")))
                .body("namespace", equalTo(namespace)).body("policy", equalTo("manual"))
                .body("skipped.pvc", hasItem("nfs-share"));
        String first = accepted.path("backupId");
        List<Taken> firstTaken = awaitTaken(first, 3);

        Map<String, PersistentVolumeClaim> byUid = claims.stream().map(this::reread)
                .collect(Collectors.toMap(c -> c.getMetadata().getUid(), Function.identity()));
        assertThat(firstTaken).extracting(t -> t.event().volume().volumeIndex()).containsExactlyInAnyOrder(0, 1, 2);
        for (Taken taken : firstTaken) {
            SnapshotTaken event = taken.event();
            VolumeBackup volume = event.volume();
            PersistentVolumeClaim claim = byUid.get(volume.pvc().uid());
            assertThat(claim).as("the PVC of %s", volume.pvc().name()).isNotNull();
            String diskId = client().persistentVolumes().withName(claim.getSpec().getVolumeName()).get().getSpec().getCsi().getVolumeHandle();
            assertThat(taken.headers()).containsEntry("ce_type", EventType.SNAPSHOT_TAKEN.type()).containsEntry("ce_source", SOURCE)
                    .containsEntry("ce_subject", namespace + "/" + claim.getMetadata().getName());
            assertThat(taken.key()).isEqualTo(ArmResourceId.parse(diskId).canonical());
            assertThat(event.correlationId()).isEqualTo("ticket-4711");
            assertThat(volume.policy()).isEqualTo("manual");
            assertThat(volume.sourceCluster()).isEqualTo("aks-source");
            assertThat(volume.namespace()).isEqualTo(namespace);
            assertThat(volume.pvc().name()).isEqualTo(claim.getMetadata().getName());
            assertThat(volume.pvc().storageClassName()).isEqualTo(LocalCloud.STORAGE_CLASS);
            assertThat(volume.pvc().accessModes()).containsExactly("ReadWriteOnce");
            assertThat(volume.pvc().volumeMode()).isEqualTo("Filesystem");
            assertThat(volume.pvc().requestedBytes()).isEqualTo(GIB);
            assertThat(volume.pvc().capacityBytes()).isEqualTo(GIB);
            assertThat(volume.pvc().labels()).containsEntry("app", "shop");
            assertThat(volume.volumeCount()).isEqualTo(3);
            assertThat(volume.source().diskId()).isEqualTo(ArmResourceId.parse(diskId));
            assertThat(volume.source().region()).isEqualTo(LocalCloud.SOURCE_REGION);
            assertThat(volume.source().incremental()).isTrue();
            assertThat(volume.source().previousSnapshotId()).isNull();
            var azure = cloud().azure().compute().snapshot(ResourceKey.parse(volume.source().snapshotId().toString()));
            assertThat(azure).as("Azure snapshot %s", volume.source().snapshotId()).isPresent();
            assertThat(volume.source().sizeBytes()).isEqualTo(azure.get().sizeBytes());
            assertThat(azure.get().sourceResourceId()).isEqualToIgnoringCase(diskId);
            assertThat(volume.target().region()).isEqualTo(LocalCloud.DR_REGION);
            assertThat(volume.target().resourceGroup()).isEqualTo(LocalCloud.DR_GROUP);
            assertThat(volume.target().stagingStorageAccountId()).isEqualTo(ArmResourceId.parse(cloud().drStagingAccount().id()));
            // The request names no strategy: ferry.transfer.strategy's default.
            assertThat(volume.strategy()).isEqualTo(TransferStrategy.VHD_INCREMENTAL);
            assertThat(volume.takenAt()).isNotNull();
        }
        awaitState(first, "TRANSFERRING");
        given().get("/api/v1/backups/" + first).then().statusCode(200)
                .body("volumes.size()", equalTo(3)).body("volumes.state", everyItem("TAKEN"))
                .body("volumes[0].snapshotId", startsWith("/subscriptions/"));

        Response again = given().contentType(ContentType.JSON)
                .body(Map.of("namespace", namespace, "labelSelector", "app=shop", "policy", "hourly")).post("/api/v1/backups");
        again.then().statusCode(202);
        String second = again.path("backupId");
        List<Taken> secondTaken = awaitTaken(second, 3);

        Map<String, ArmResourceId> firstByUid = firstTaken.stream().collect(Collectors.toMap(t -> t.event().volume().pvc().uid(),
                t -> t.event().volume().source().snapshotId()));
        for (Taken taken : secondTaken) {
            var source = taken.event().volume().source();
            assertThat(taken.event().volume().policy()).isEqualTo("hourly");
            assertThat(source.previousSnapshotId()).isEqualTo(firstByUid.get(taken.event().volume().pvc().uid()));
            assertThat(source.snapshotId()).isNotEqualTo(source.previousSnapshotId());
            assertThat(cloud().azure().compute().snapshot(ResourceKey.parse(source.snapshotId().toString())).orElseThrow().familyId())
                    .isEqualTo(cloud().azure().compute().snapshot(ResourceKey.parse(source.previousSnapshotId().toString())).orElseThrow().familyId());
        }

        // Downstream progress shows in the backup's status.
        List<Taken> ordered = secondTaken.stream().sorted(Comparator.comparingInt(t -> t.event().volume().volumeIndex())).toList();
        send(exported(ordered.get(0).event()), OTHER_SYSTEM);
        send(recreated(ordered.get(1).event()), OTHER_SYSTEM);
        send(stepFailedDownstream(ordered.get(2).event()), OTHER_SYSTEM);
        awaitVolumeStates(second, List.of("EXPORTED", "RECREATED", "FAILED"));
        given().get("/api/v1/backups/" + second).then().body("volumes[1].targetSnapshotId", notNullValue())
                .body("volumes[2].failedStep", equalTo("export")).body("volumes[2].errorCode", equalTo("OperationNotAllowed"));
        given().get("/api/v1/backups?namespace=" + namespace).then().statusCode(200)
                .body("backupId", org.hamcrest.Matchers.hasItems(first, second));
    }

    @Test
    void aCopyStartBackupCarriesItsCopySpeedAndShowsWhyItWaitsAndHowFarItGot() {
        String namespace = namespace("atlas");
        boundClaim(namespace, "tiles", Map.of());
        Response accepted = given().contentType(ContentType.JSON)
                .body(Map.of("namespace", namespace, "strategy", "copy-start", "copySpeed", "enhanced")).post("/api/v1/backups");
        accepted.then().statusCode(202).body("strategy", equalTo("copy-start")).body("copySpeed", equalTo("enhanced"));
        String backupId = accepted.path("backupId");
        SnapshotTaken taken = awaitTaken(backupId, 1).get(0).event();
        assertThat(taken.volume().strategy()).isEqualTo(TransferStrategy.COPY_START);
        assertThat(taken.volume().copySpeed()).isEqualTo(CopySpeed.ENHANCED);

        send(progressed(taken, 0, TransferProgressed.WAITING_FOR_EARLIER_COPY), OTHER_SYSTEM);
        awaitVolumeStates(backupId, List.of("WAITING"));
        given().get("/api/v1/backups/" + backupId).then().body("state", equalTo("TRANSFERRING"))
                .body("volumes[0].waitingFor", equalTo("earlier-copy-of-disk"));
        long total = taken.volume().source().sizeBytes();
        long half = total / 2;
        Instant began = Instant.now();
        send(progressed(taken, total / 4, null, began), OTHER_SYSTEM);
        send(progressed(taken, half, null, began.plusSeconds(2)), OTHER_SYSTEM);
        Awaitility.await().atMost(WAIT).until(() -> given().get("/api/v1/backups/" + backupId).path("volumes[0].percent") != null
                && ((Number) given().get("/api/v1/backups/" + backupId).path("volumes[0].percent")).intValue() == 50);
        Response moving = given().get("/api/v1/backups/" + backupId);
        assertThat((Object) moving.path("volumes[0].state")).isEqualTo("TRANSFERRING");
        assertThat((Object) moving.path("volumes[0].waitingFor")).isNull();
        assertThat(((Number) moving.path("volumes[0].bytesDone")).longValue()).isEqualTo(half);
        assertThat(((Number) moving.path("volumes[0].bytesTotal")).longValue()).isEqualTo(total);
        assertThat(((Number) moving.path("volumes[0].bytesPerSecond")).longValue()).as("a quarter of the disk in 2 s").isEqualTo(total / 8);
        assertThat(((Number) moving.path("volumes[0].etaSeconds")).longValue()).as("half the disk left at that rate").isEqualTo(4);
        send(recreated(taken), OTHER_SYSTEM);
        awaitState(backupId, "COMPLETED");
        // A late report of the copy (the topics are not ordered with each other) does not move it back.
        send(progressed(taken, half, null), OTHER_SYSTEM);
        send(progressed(taken, 0, TransferProgressed.WAITING_FOR_REGION_LIMIT), OTHER_SYSTEM);
        kafka().read(Topics.TRANSFER_PROGRESSED, r -> r.text().contains(backupId) && r.text().contains("region-copy-limit"), 1, WAIT);
        Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> "RECREATED".equals(given().get("/api/v1/backups/" + backupId).path("volumes[0].state")));
    }

    @Test
    void aKafkaCommandRunsABackup() {
        String namespace = namespace("billing");
        boundClaim(namespace, "ledger", Map.of("app", "billing", "tier", "db"));
        boundClaim(namespace, "ledger-wal", Map.of("app", "billing", "tier", "db"));
        boundClaim(namespace, "web-cache", Map.of("app", "billing", "tier", "web"));
        String backupId = UUID.randomUUID().toString();

        send(request(backupId, namespace, null, Map.of("tier", "db")), OTHER_SYSTEM);

        List<Taken> taken = awaitTaken(backupId, 2);
        assertThat(taken).extracting(t -> t.event().volume().pvc().name()).containsExactlyInAnyOrder("ledger", "ledger-wal");
        assertThat(taken).allSatisfy(t -> assertThat(t.event().correlationId()).isEqualTo("corr-" + backupId));
        awaitState(backupId, "TRANSFERRING");
    }

    @Test
    void aRetryOfTheSameRequestCreatesNothingNew() {
        String namespace = namespace("crm");
        boundClaim(namespace, "contacts", Map.of());
        boundClaim(namespace, "notes", Map.of());
        String backupId = "crm-nightly-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = Map.of("backupId", backupId, "namespace", namespace, "pvcNames", List.of("contacts", "notes"));

        given().contentType(ContentType.JSON).body(body).post("/api/v1/backups").then().statusCode(202);
        awaitTaken(backupId, 2);
        given().contentType(ContentType.JSON).body(body).post("/api/v1/backups").then().statusCode(200)
                .body("backupId", equalTo(backupId)).header("Location", endsWith("/api/v1/backups/" + backupId));
        send(request(backupId, namespace, List.of("contacts", "notes"), null), OTHER_SYSTEM);
        // A different request under the same id is a conflict, not a second backup.
        given().contentType(ContentType.JSON).body(Map.of("backupId", backupId, "namespace", namespace, "pvcNames", List.of("notes")))
                .post("/api/v1/backups").then().statusCode(409).contentType("application/problem+json");

        // The redelivered command is handled in order after the duplicate; give it the same bound as any event.
        List<TopicProbe.Received> all = kafka().read(Topics.SNAPSHOT_TAKEN, r -> r.text().contains(backupId), 3, Duration.ofSeconds(5));
        assertThat(all).hasSize(2);
        assertThat(client().genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace(namespace)
                .withLabel(FerryLabels.BACKUP_ID, backupId).list().getItems()).hasSize(2);
    }

    @Test
    void aSnapshotThatFailsIsReportedWhileTheOthersGoOn() {
        String namespace = namespace("media");
        boundClaim(namespace, "thumbnails", Map.of());
        PersistentVolumeClaim doomed = boundClaim(namespace, "uploads", Map.of());
        String diskId = client().persistentVolumes().withName(doomed.getSpec().getVolumeName()).get().getSpec().getCsi().getVolumeHandle();
        // The disk vanishes under the PV: the driver's CreateSnapshot fails and the VolumeSnapshot reports the error.
        assertThat(cloud().azure().compute().deleteDisk(ResourceKey.parse(diskId))).isTrue();

        String backupId = given().contentType(ContentType.JSON).body(Map.of("namespace", namespace)).post("/api/v1/backups")
                .then().statusCode(202).extract().path("backupId");

        List<Taken> taken = awaitTaken(backupId, 1);
        assertThat(taken.get(0).event().volume().pvc().name()).isEqualTo("thumbnails");
        List<TopicProbe.Received> failed = kafka().read(Topics.STEP_FAILED, r -> r.text().contains(backupId), 1, WAIT);
        assertThat(failed).hasSize(1);
        StepFailed stepFailed = EventJson.read(failed.get(0).value(), StepFailed.class);
        assertThat(stepFailed.step()).isEqualTo(Step.SNAPSHOT);
        assertThat(stepFailed.errorCode()).isEqualTo("SnapshotFailed");
        assertThat(stepFailed.reason()).contains(namespace + "/uploads").contains("not found");
        awaitState(backupId, "TRANSFERRING");
        given().get("/api/v1/backups/" + backupId).then().body("volumes.find { it.pvc == 'uploads' }.state", equalTo("FAILED"))
                .body("volumes.find { it.pvc == 'thumbnails' }.state", equalTo("TAKEN"));
    }

    @Test
    void aPvcWhoseSnapshotNeverBecomesReadyIsReportedAfterTheReadyTimeoutWhileTheOthersGoOn() {
        String namespace = namespace("stalled");
        PersistentVolumeClaim stuck = boundClaim(namespace, "archive", Map.of());
        client().persistentVolumeClaims().inNamespace(namespace).withName("archive")
                .edit(c -> {
                    c.getMetadata().setAnnotations(Map.of(CsiSimulator.SNAPSHOT_FAULT_ANNOTATION, "never-ready"));
                    return c;
                });
        boundClaim(namespace, "ledger", Map.of());
        boundClaim(namespace, "web", Map.of());
        Instant started = Instant.now();

        String backupId = given().contentType(ContentType.JSON).body(Map.of("namespace", namespace)).post("/api/v1/backups")
                .then().statusCode(202).extract().path("backupId");

        // "archive" sorts first: the run waits the ready timeout (15s in the test profile) for it, then announces the others.
        List<Taken> taken = awaitTaken(backupId, 2);
        assertThat(taken).extracting(t -> t.event().volume().pvc().name()).containsExactlyInAnyOrder("ledger", "web");
        List<TopicProbe.Received> failed = kafka().read(Topics.STEP_FAILED, r -> r.text().contains(backupId), 1, WAIT);
        assertThat(failed).hasSize(1);
        assertThat(Duration.between(started, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(15));
        StepFailed stepFailed = EventJson.read(failed.get(0).value(), StepFailed.class);
        assertThat(stepFailed.step()).isEqualTo(Step.SNAPSHOT);
        assertThat(stepFailed.errorCode()).isEqualTo("SnapshotNotReady");
        assertThat(stepFailed.retryable()).isTrue();
        assertThat(stepFailed.reason()).contains(namespace + "/archive").contains(stuck.getMetadata().getUid()).contains("readyToUse");
        awaitState(backupId, "TRANSFERRING");
        given().get("/api/v1/backups/" + backupId).then()
                .body("volumes.find { it.pvc == 'archive' }.state", equalTo("FAILED"))
                .body("volumes.find { it.pvc == 'archive' }.errorCode", equalTo("SnapshotNotReady"))
                .body("volumes.findAll { it.state == 'TAKEN' }.size()", equalTo(2));
    }

    @Test
    void badRestInputsGetProblemDetails() {
        String namespace = namespace("erp");
        boundClaim(namespace, "stock", Map.of("app", "erp"));

        problem(Map.of(), 400, "invalid-request").body("errors", hasItem(startsWith("namespace")));
        problem(Map.of("namespace", "Not_A_Namespace"), 400, "invalid-request");
        problem(Map.of("namespace", namespace, "pvcNames", List.of("UPPER")), 400, "invalid-request");
        problem(Map.of("namespace", namespace, "labelSelector", "app!=erp"), 400, "invalid-request")
                .body("errors[0]", org.hamcrest.Matchers.containsString("only equality"));
        problem(Map.of("namespace", namespace, "pvcNames", List.of("stock"), "labelSelector", "app=erp"), 400, "invalid-request");
        problem(Map.of("namespace", namespace, "strategy", "carrier-pigeon"), 400, "invalid-request");
        problem(Map.of("namespace", namespace, "strategy", "copy-start", "copySpeed", "ludicrous"), 400, "invalid-request");
        problem(Map.of("namespace", namespace, "strategy", "vhd-full", "copySpeed", "enhanced"), 400, "invalid-request")
                .body("errors[0]", org.hamcrest.Matchers.containsString("copy-start"));
        // The configured strategy (vhd-incremental here) is not copy-start either.
        problem(Map.of("namespace", namespace, "copySpeed", "enhanced"), 400, "invalid-request")
                .body("errors[0]", org.hamcrest.Matchers.containsString("copy-start"));
        problem(Map.of("namespace", "no-such-namespace"), 422, "namespace-not-found");
        problem(Map.of("namespace", namespace, "labelSelector", Map.of("app", "nothing")), 422, "no-matching-pvc");
        problem(Map.of("namespace", namespace, "pvcNames", List.of("stock", "gone")), 422, "pvc-not-found")
                .body("errors", equalTo(List.of("gone")));
        given().contentType(ContentType.JSON).body("{\"namespace\": ").post("/api/v1/backups").then().statusCode(400)
                .contentType("application/problem+json").body("title", notNullValue()).body("detail", notNullValue());
        given().get("/api/v1/backups/no-such-backup").then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://ferry.dev/problems/backup-not-found")).body("status", equalTo(404));
        given().get("/api/v1/backups?namespace=Bad_NS").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aMalformedCommandGoesToTheDeadLetterTopicAndAnImpossibleOneGivesStepFailed() {
        String marker = "malformed-" + UUID.randomUUID();
        kafka().send(Topics.BACKUP_REQUESTED, marker, Map.of("ce_type", EventType.BACKUP_REQUESTED.type()),
                ("{\"schemaVersion\":1,\"backupId\":\"" + marker + "\",\"correlationId\":\"c\"}").getBytes(StandardCharsets.UTF_8));
        String backupId = UUID.randomUUID().toString();
        send(request(backupId, "no-such-namespace", null, null), OTHER_SYSTEM);

        List<TopicProbe.Received> dead = kafka().read(Topics.dlq(Topics.BACKUP_REQUESTED), r -> marker.equals(r.key()), 1, WAIT);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).headers().get("dead-letter-reason")).contains("namespace").contains("required");
        assertThat(dead.get(0).headers()).containsEntry(DeadLetters.REASON_HEADER, "invalid-event");
        assertThat(metrics.counter(DeadLetters.METRIC, "topic", Topics.BACKUP_REQUESTED, "reason", "invalid-event").count())
                .isGreaterThanOrEqualTo(1);
        List<TopicProbe.Received> failed = kafka().read(Topics.STEP_FAILED, r -> r.text().contains(backupId), 1, WAIT);
        assertThat(failed).hasSize(1);
        StepFailed refused = EventJson.read(failed.get(0).value(), StepFailed.class);
        assertThat(refused.step()).isEqualTo(Step.INTAKE);
        assertThat(refused.errorCode()).isEqualTo("NamespaceNotFound");
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.causeEventType()).isEqualTo(EventType.BACKUP_REQUESTED.type());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private record Taken(String key, Map<String, String> headers, SnapshotTaken event) {
    }

    private static LocalCloud cloud() {
        return LocalCloudTestResource.cloud();
    }

    private static void pendingClaim(String namespace, String name, String storageClass) {
        createClaim(namespace, name, storageClass, Map.of("app", "shop"));
    }

    private PersistentVolumeClaim reread(PersistentVolumeClaim claim) {
        return client().persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName()).get();
    }

    private static List<Taken> awaitTaken(String backupId, int count) {
        List<TopicProbe.Received> found = kafka().read(Topics.SNAPSHOT_TAKEN, r -> r.text().contains(backupId), count, WAIT);
        assertThat(found).as("SnapshotTaken of %s", backupId).hasSize(count);
        List<Taken> taken = new ArrayList<>();
        for (TopicProbe.Received received : found) {
            taken.add(new Taken(received.key(), received.headers(), EventJson.read(received.value(), SnapshotTaken.class)));
        }
        return taken;
    }

    private static void awaitState(String backupId, String state) {
        awaitBackup(backupId, r -> state.equals(r.path("state")), "state " + state);
    }

    private static void awaitVolumeStates(String backupId, List<String> states) {
        awaitBackup(backupId, r -> states.equals(r.path("volumes.state")), "volume states " + states);
    }

    private static void awaitBackup(String backupId, Predicate<Response> done, String what) {
        Instant deadline = Instant.now().plus(WAIT);
        Response last = null;
        while (Instant.now().isBefore(deadline)) {
            last = given().get("/api/v1/backups/" + backupId);
            if (last.statusCode() == 200 && done.test(last)) {
                return;
            }
        }
        throw new AssertionError("backup " + backupId + " did not reach " + what + "; last answer: " + (last == null ? null : last.asString()));
    }

    private static io.restassured.response.ValidatableResponse problem(Object body, int status, String type) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/backups").then().statusCode(status)
                .contentType("application/problem+json").body("type", equalTo("https://ferry.dev/problems/" + type))
                .body("status", equalTo(status)).body("title", notNullValue()).body("detail", notNullValue());
    }

    private static org.hamcrest.Matcher<Iterable<? extends String>> everyItem(String value) {
        return org.hamcrest.Matchers.everyItem(equalTo(value));
    }

    private static BackupRequested request(String backupId, String namespace, List<String> pvcNames, Map<String, String> selector) {
        return new BackupRequested(FerryEvent.SCHEMA_VERSION, backupId, "corr-" + backupId, "aks-source", namespace, pvcNames, selector,
                null, null, null, null, "scheduler", Instant.now());
    }

    private static VhdExported exported(SnapshotTaken taken) {
        VolumeBackup volume = taken.volume();
        String blob = taken.backupId() + "/" + volume.pvc().uid() + ".vhd";
        return new VhdExported(FerryEvent.SCHEMA_VERSION, taken.backupId(), taken.correlationId(), volume,
                new VhdBlob(cloud().storage().blobEndpoint(LocalCloud.DR_STAGING_ACCOUNT) + "/vhds/" + blob,
                        ArmResourceId.parse(cloud().drStagingAccount().id()), "vhds", blob, volume.source().sizeBytes() + 512),
                transfer(volume));
    }

    private static SnapshotRecreated recreated(SnapshotTaken taken) {
        VolumeBackup volume = taken.volume();
        return new SnapshotRecreated(FerryEvent.SCHEMA_VERSION, taken.backupId(), taken.correlationId(), volume,
                volume.target().snapshotId(SnapshotNames.volumeSnapshot(taken.backupId(), volume.pvc().uid())), volume.source().sizeBytes(),
                "import", transfer(volume), 1200L, Instant.now());
    }

    private static TransferProgressed progressed(SnapshotTaken taken, long bytesDone, String waitingFor) {
        return progressed(taken, bytesDone, waitingFor, Instant.now());
    }

    private static TransferProgressed progressed(SnapshotTaken taken, long bytesDone, String waitingFor, Instant reportedAt) {
        VolumeBackup volume = taken.volume();
        return new TransferProgressed(FerryEvent.SCHEMA_VERSION, taken.backupId(), taken.correlationId(), volume.namespace(),
                volume.pvc().name(), volume.source().diskId(), volume.source().snapshotId(), TransferStats.ENGINE_COPY_START, bytesDone,
                volume.source().sizeBytes(), waitingFor, reportedAt);
    }

    private static StepFailed stepFailedDownstream(SnapshotTaken taken) {
        return new StepFailed(FerryEvent.SCHEMA_VERSION, taken.backupId(), null, taken.correlationId(), Step.EXPORT, "OperationNotAllowed",
                "too many SAS grants in the family", true, 4, taken.volume(), null, null, Instant.now());
    }

    private static TransferStats transfer(VolumeBackup volume) {
        Instant now = Instant.now();
        return TransferStats.full("streaming", 4096, 4096, volume.source().sizeBytes(), 100, now.minusMillis(100), now);
    }
}
