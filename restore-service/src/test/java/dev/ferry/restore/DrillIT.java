package dev.ferry.restore;

import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.ferry.events.DrillCompleted;
import dev.ferry.events.DrillOutcome;
import dev.ferry.events.DrillStep;
import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.Topics;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.kube.KubeCluster;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.restore.drill.DrillLabels;
import dev.ferry.restore.drill.DrillRunner;
import dev.ferry.restore.run.DrillScheduler;
import dev.ferry.restore.run.DrillSweeper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drills against the real stand-ins: the catalog in Azurite, the region-B snapshots in the Azure fake, the DR cluster's
 * Kubernetes mock with its CSI simulator (which binds the restored PVCs), and the broker. Nothing in the mock runs pods, so
 * where a drill has a check these tests play the Job controller: they set the check Job's status as it would once the pod
 * ended.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = LocalCloudTestResource.CLUSTER_ARG, value = "dr"))
class DrillIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventSource IMPORTER = new EventSource("import-service", "aks-dr");
    private static final ResourceDefinitionContext DRILL_SCHEDULES = new ResourceDefinitionContext.Builder().withGroup("ferry.dev")
            .withVersion("v1alpha1").withKind("DrillSchedule").withPlural("drillschedules").withNamespaced(false).build();

    @Inject
    CatalogView view;

    @Inject
    MeterRegistry metrics;

    @Inject
    DrillScheduler scheduler;

    @Inject
    DrillSweeper sweeper;

    @BeforeEach
    void callAsClusterAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalCloudTestResource.adminToken()).build();
    }

    @Test
    void aDrillRestoresChecksMeasuresAndRemovesEverythingItCreatedWhileTheRegionBSnapshotsStay() {
        List<RegionB.Copy> copies = List.of(RegionB.snapshot(61), RegionB.snapshot(62));
        String backupId = restorePoint("shop-d1", copies);
        String drillId = "drill-" + UUID.randomUUID();

        given().contentType(ContentType.JSON).body(Map.of("drillId", drillId, "namespace", "shop-d1", "check",
                        Map.of("image", "registry.example/shop/check:1", "command", List.of("sh", "-c", "test -s /restored/orders-db/x"),
                                "timeout", "5m")))
                .post("/api/v1/drills").then().statusCode(202)
                .header("Location", containsString("/api/v1/drills/" + drillId))
                .body("state", equalTo("running")).body("restorePointId", equalTo(backupId))
                .body("scratchNamespace", equalTo("ferry-" + drillId)).body("requestedBy", equalTo("cluster-admin@local"));

        String scratch = "ferry-" + drillId;
        Job job = awaitCheckJob(scratch);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(300L);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getCommand()).containsExactly("sh", "-c", "test -s /restored/orders-db/x");
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(m -> m.getMountPath() + ":" + m.getReadOnly())
                .containsExactly("/restored/orders-db:true", "/restored/orders-files:true");
        assertThat(pod.getVolumes()).extracting(v -> v.getPersistentVolumeClaim().getClaimName()).containsExactly("orders-db", "orders-files");
        assertThat(pod.getAutomountServiceAccountToken()).as("no API token in the check's pod").isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        // While the check runs, the restored PVCs are Bound in the scratch namespace, and nowhere else.
        assertThat(dr().persistentVolumeClaims().inNamespace(scratch).list().getItems())
                .extracting(c -> c.getMetadata().getName() + ":" + c.getStatus().getPhase())
                .containsExactlyInAnyOrder("orders-db:Bound", "orders-files:Bound");
        given().get("/api/v1/drills/" + drillId).then().statusCode(200).body("state", equalTo("running")).body("step", equalTo("check"))
                .body("rtoMillis", org.hamcrest.Matchers.greaterThan(0));

        finishJob(scratch, true);
        DrillCompleted done = awaitEvent(drillId);
        assertThat(done.outcome()).isEqualTo(DrillOutcome.PASSED);
        assertThat(done.failedStep()).isNull();
        assertThat(done.restorePointId()).isEqualTo(backupId);
        assertThat(done.volumes()).isEqualTo(2);
        assertThat(done.rtoMillis()).isPositive().isLessThan(WAIT.toMillis());
        assertThat(done.rtoTargetSeconds()).isEqualTo(900L);
        assertThat(done.check().outcome().wireName()).isEqualTo("succeeded");
        assertThat(done.cleanedUp()).isTrue();

        // Nothing of the drill is left; the region-B snapshots are untouched and the restore point is still restorable.
        assertNothingLeft(scratch, drillId);
        for (RegionB.Copy copy : copies) {
            assertThat(LocalCloudTestResource.cloud().azure().compute().snapshot(ResourceKey.parse(copy.snapshotId().toString())))
                    .as("region-B snapshot %s after the drill", copy.snapshotId()).isPresent();
        }
        String restoreId = UUID.randomUUID().toString();
        given().contentType(ContentType.JSON).body(Map.of("restoreId", restoreId, "restorePointId", backupId, "targetNamespace",
                "shop-d1-after-drill", "createNamespace", true)).post("/api/v1/restores").then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/restores/" + restoreId).then().statusCode(200)
                .body("state", equalTo("COMPLETED")));

        // Kept in region B beside the catalog, listed, and shown as the application's metrics.
        assertThat(catalogBlobs("drills/aks-source/shop-d1/")).singleElement().asString().endsWith("-" + drillId + ".json");
        given().queryParam("namespace", "shop-d1").get("/api/v1/drills").then().statusCode(200)
                .body("[0].drillId", equalTo(drillId)).body("[0].state", equalTo("passed")).body("[0].check.outcome", equalTo("succeeded"))
                .body("[0].rtoTargetSeconds", equalTo(900)).body("[0].cleanedUp", equalTo(true));
        assertThat(gauge("ferry.drill.last.outcome", "shop-d1")).isEqualTo(1.0);
        assertThat(gauge("ferry.drill.last.rto.seconds", "shop-d1")).isEqualTo(done.rtoMillis() / 1000.0);
        assertThat(gauge("ferry.drill.last.success.timestamp.seconds", "shop-d1"))
                .isEqualTo(done.completedAt().toEpochMilli() / 1000.0);
    }

    @Test
    void aFailedCheckFailsTheDrillInItsStepAndStillCleansUp() {
        restorePoint("shop-d2", List.of(RegionB.snapshot(63)));
        String drillId = startDrill("shop-d2", true);
        String scratch = "ferry-" + drillId;
        awaitCheckJob(scratch);

        finishJob(scratch, false);
        DrillCompleted done = awaitEvent(drillId);
        assertThat(done.outcome()).isEqualTo(DrillOutcome.FAILED);
        assertThat(done.failedStep()).isEqualTo(DrillStep.CHECK);
        assertThat(done.errorCode()).isEqualTo("CheckFailed");
        assertThat(done.check().outcome().wireName()).isEqualTo("failed");
        assertThat(done.rtoMillis()).as("the restore itself worked and was measured").isPositive();
        assertThat(done.cleanedUp()).isTrue();
        assertNothingLeft(scratch, drillId);
        given().get("/api/v1/drills/" + drillId).then().statusCode(200).body("state", equalTo("failed"))
                .body("failedStep", equalTo("check")).body("error", containsString("failed"));
        assertThat(gauge("ferry.drill.last.outcome", "shop-d2")).isEqualTo(0.0);
    }

    @Test
    void oneDrillPerApplicationAtATime() {
        restorePoint("shop-d3", List.of(RegionB.snapshot(64)));
        String first = startDrill("shop-d3", true);
        awaitCheckJob("ferry-" + first);

        given().contentType(ContentType.JSON).body(Map.of("namespace", "shop-d3")).post("/api/v1/drills").then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("https://ferry.dev/problems/drill-running"))
                .body("detail", containsString(first));
        assertThat(dr().namespaces().withLabel(DrillLabels.DRILL_ID).list().getItems())
                .extracting(n -> n.getMetadata().getName()).containsExactly("ferry-" + first);

        // The same drill id again is the same drill, not a second one.
        given().contentType(ContentType.JSON).body(Map.of("drillId", first, "namespace", "shop-d3")).post("/api/v1/drills").then()
                .statusCode(202).body("drillId", equalTo(first)).body("state", equalTo("running"));

        finishJob("ferry-" + first, true);
        assertThat(awaitEvent(first).outcome()).isEqualTo(DrillOutcome.PASSED);
    }

    @Test
    void aDrillNeverTouchesANamespaceItDidNotCreate() {
        restorePoint("shop-d4", List.of(RegionB.snapshot(65)));
        String drillId = "drill-" + UUID.randomUUID();
        String theirs = "ferry-" + drillId;
        dr().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(theirs).endMetadata().build()).create();
        dr().persistentVolumeClaims().inNamespace(theirs).resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("their-data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(LocalCloud.STORAGE_CLASS)
                .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();

        given().contentType(ContentType.JSON).body(Map.of("drillId", drillId, "namespace", "shop-d4")).post("/api/v1/drills").then()
                .statusCode(202);
        DrillCompleted done = awaitEvent(drillId);
        assertThat(done.outcome()).isEqualTo(DrillOutcome.FAILED);
        assertThat(done.failedStep()).isEqualTo(DrillStep.NAMESPACE);
        assertThat(done.errorCode()).isEqualTo("NamespaceExists");
        assertThat(dr().namespaces().withName(theirs).get()).as("their namespace").isNotNull();
        assertThat(dr().persistentVolumeClaims().inNamespace(theirs).list().getItems()).as("their PVCs, and no restored one")
                .extracting(c -> c.getMetadata().getName()).containsExactly("their-data");
        sweeper.sweep();
        assertThat(dr().namespaces().withName(theirs).get()).as("their namespace, after a sweep").isNotNull();
    }

    @Test
    void aDrillThatCannotStartIsRefusedAndCreatesNothing() {
        int namespaces = dr().namespaces().list().getItems().size();
        given().contentType(ContentType.JSON).body(Map.of("namespace", "shop-never-backed-up")).post("/api/v1/drills").then()
                .statusCode(404).body("type", equalTo("https://ferry.dev/problems/restore-point-not-found"));
        given().contentType(ContentType.JSON).body(Map.of("namespace", "Not_A_Namespace", "check", Map.of("timeout", "3h")))
                .post("/api/v1/drills").then().statusCode(400).body("type", equalTo("https://ferry.dev/problems/invalid-request"))
                .body("errors.size()", equalTo(3)).body("detail", containsString("check.image"));
        given().contentType(ContentType.JSON).body("{\"namespace\": \"shop\", \"check\": {\"image\": \"x\", \"command\": \"ls\"}}")
                .post("/api/v1/drills").then().statusCode(400);
        given().get("/api/v1/drills/drill-unknown").then().statusCode(404).body("type", equalTo("https://ferry.dev/problems/drill-not-found"));
        assertThat(dr().namespaces().list().getItems()).hasSize(namespaces);
    }

    @Test
    void aDrillScheduleStartsDrillsAtItsIntervalAndShowsTheNext() {
        restorePoint("shop-d5", List.of(RegionB.snapshot(66)));
        dr().genericKubernetesResources(DRILL_SCHEDULES).resource(new GenericKubernetesResourceBuilder().withApiVersion("ferry.dev/v1alpha1")
                .withKind("DrillSchedule").withNewMetadata().withName("shop-d5-daily").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("sourceCluster", "aks-source", "namespace", "shop-d5", "every", "24h")))
                .build()).create();
        dr().genericKubernetesResources(DRILL_SCHEDULES).resource(new GenericKubernetesResourceBuilder().withApiVersion("ferry.dev/v1alpha1")
                .withKind("DrillSchedule").withNewMetadata().withName("broken").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("namespace", "shop-d5", "every", "1m"))).build()).create();
        try {
            scheduler.startDue();
            await().atMost(WAIT).untilAsserted(() -> given().queryParam("namespace", "shop-d5").get("/api/v1/drills").then()
                    .statusCode(200).body("[0].trigger", equalTo("scheduled")).body("[0].schedule", equalTo("shop-d5-daily"))
                    .body("[0].requestedBy", equalTo("schedule")).body("[0].state", equalTo("passed")));
            String drillId = given().queryParam("namespace", "shop-d5").get("/api/v1/drills").then().extract().path("[0].drillId");
            assertThat(awaitEvent(drillId).trigger().wireName()).isEqualTo("scheduled");

            // Not due again for a day: another tick starts nothing.
            scheduler.startDue();
            given().queryParam("namespace", "shop-d5").get("/api/v1/drills").then().body("size()", equalTo(1));
            Map<String, Object> shown = given().get("/api/v1/drill-schedules").then().statusCode(200).extract()
                    .path("find { it.name == 'shop-d5-daily' }");
            assertThat(shown).containsEntry("every", "24h").containsEntry("lastDrillId", drillId).containsEntry("lastOutcome", "passed");
            Instant last = Instant.parse((String) shown.get("lastDrillAt"));
            assertThat(Instant.parse((String) shown.get("nextDrillAt"))).isEqualTo(last.plus(Duration.ofHours(24)));
            assertThat(gauge("ferry.drill.interval.seconds", "shop-d5")).isEqualTo(86_400.0);
            Map<String, Object> broken = given().get("/api/v1/drill-schedules").then().extract().path("find { it.name == 'broken' }");
            assertThat(broken).containsEntry("valid", false);
            assertThat((List<String>) broken.get("problems")).anySatisfy(p -> assertThat(p).startsWith("sourceCluster"))
                    .anySatisfy(p -> assertThat(p).startsWith("every"));

            // A deleted schedule no longer sets an interval, so no alert calls the application's drills overdue.
            dr().genericKubernetesResources(DRILL_SCHEDULES).withName("shop-d5-daily").delete();
            scheduler.startDue();
            assertThat(gauge("ferry.drill.interval.seconds", "shop-d5")).isNaN();
        } finally {
            dr().genericKubernetesResources(DRILL_SCHEDULES).withName("shop-d5-daily").delete();
            dr().genericKubernetesResources(DRILL_SCHEDULES).withName("broken").delete();
        }
    }

    @Test
    void theSweepRemovesWhatADeadDrillLeftAtOnceAndAnUnknownOneOnlyAfterTheGrace() {
        // What a drill killed between its restore and its cleanup leaves: its labelled scratch namespace and the restore's
        // objects. Its restore has ended (the restarted service read it back from its ledger), and no drill of it runs.
        String backupId = restorePoint("shop-d6", List.of(RegionB.snapshot(67)));
        String dead = "drill-" + UUID.randomUUID();
        String scratch = "ferry-" + dead;
        dr().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(scratch)
                .withLabels(Map.of(DrillLabels.DRILL_ID, dead)).endMetadata().build()).create();
        given().contentType(ContentType.JSON).body(Map.of("restoreId", dead, "restorePointId", backupId, "targetNamespace", scratch))
                .post("/api/v1/restores").then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/restores/" + dead).then().body("state", equalTo("COMPLETED")));
        // One whose drill this service knows nothing of may belong to a drill elsewhere: kept for the grace period (2 h).
        String unknown = "drill-" + UUID.randomUUID();
        dr().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ferry-" + unknown)
                .withLabels(Map.of(DrillLabels.DRILL_ID, unknown)).endMetadata().build()).create();

        assertThat(sweeper.sweep()).as("namespace, PVC, VolumeSnapshot, VolumeSnapshotContent").isEqualTo(4);
        assertThat(metrics.find("ferry.drill.leftover.objects").gauge().value()).isEqualTo(4.0);
        assertNothingLeft(scratch, dead);
        assertThat(dr().namespaces().withName("ferry-" + unknown).get()).as("within the grace period").isNotNull();
        assertThat(sweeper.sweep()).isZero();
        assertThat(metrics.find("ferry.drill.leftover.objects").gauge().value()).isZero();
        dr().namespaces().withName("ferry-" + unknown).delete();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A complete restore point of the namespace, one volume per copy, whose policy states an RTO target of 15 minutes. */
    private String restorePoint(String namespace, List<RegionB.Copy> copies) {
        String backupId = UUID.randomUUID().toString();
        List<String> pvcs = List.of("orders-db", "orders-files");
        Instant takenAt = Instant.now().minusSeconds(60);
        for (int i = 0; i < copies.size(); i++) {
            SnapshotRecreated plain = RegionB.recreated(backupId, namespace, "hourly", pvcs.get(i), i, copies.size(),
                    copies.get(i).snapshotId(), takenAt);
            var v = plain.volume();
            send(new SnapshotRecreated(plain.schemaVersion(), plain.backupId(), plain.correlationId(), new dev.ferry.events.VolumeBackup(
                    v.policy(), v.sourceCluster(), v.namespace(), v.pvc(), v.volumeIndex(), v.volumeCount(), v.source(), v.target(),
                    v.strategy(), v.copySpeed(), v.takenAt(), new dev.ferry.events.RecoveryObjectives(3600L, 900L)),
                    plain.targetSnapshotId(), plain.targetSizeBytes(), plain.method(), plain.transfer(), plain.importDurationMillis(),
                    plain.recreatedAt()));
        }
        await().atMost(WAIT).until(() -> view.find(backupId).map(RestorePoint::complete).orElse(false));
        return backupId;
    }

    private static String startDrill(String namespace, boolean withCheck) {
        String drillId = "drill-" + UUID.randomUUID();
        Map<String, Object> body = withCheck ? Map.of("drillId", drillId, "namespace", namespace, "check", Map.of("image", "busybox:1.36"))
                : Map.of("drillId", drillId, "namespace", namespace);
        given().contentType(ContentType.JSON).body(body).post("/api/v1/drills").then().statusCode(202);
        return drillId;
    }

    private static Job awaitCheckJob(String scratch) {
        return await().atMost(WAIT).until(() -> dr().batch().v1().jobs().inNamespace(scratch).withName(DrillRunner.CHECK_JOB).get(),
                job -> job != null);
    }

    /** Plays the Job controller: the check's pod ended, successfully or not. */
    private static void finishJob(String scratch, boolean succeeded) {
        Job job = dr().batch().v1().jobs().inNamespace(scratch).withName(DrillRunner.CHECK_JOB).get();
        job.setStatus(new JobStatusBuilder().withSucceeded(succeeded ? 1 : 0).withFailed(succeeded ? 0 : 1)
                .withConditions(new JobConditionBuilder().withType(succeeded ? "Complete" : "Failed").withStatus("True").build()).build());
        dr().batch().v1().jobs().inNamespace(scratch).resource(job).updateStatus();
    }

    private static void assertNothingLeft(String scratch, String drillId) {
        KubernetesClient dr = dr();
        assertThat(dr.namespaces().withName(scratch).get()).as("the scratch namespace").isNull();
        assertThat(dr.batch().v1().jobs().inNamespace(scratch).list().getItems()).as("Jobs").isEmpty();
        assertThat(dr.persistentVolumeClaims().inAnyNamespace().withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId).list().getItems())
                .as("PVCs").isEmpty();
        assertThat(dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inAnyNamespace()
                .withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId).list().getItems()).as("VolumeSnapshots").isEmpty();
        assertThat(dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withLabel(VolumeRestorer.RESTORE_ID_LABEL, drillId).list().getItems()).as("VolumeSnapshotContents").isEmpty();
    }

    private static DrillCompleted awaitEvent(String drillId) {
        List<dev.ferry.localcloud.kafka.TopicProbe.Received> found = kafka().read(Topics.DRILL_COMPLETED,
                r -> drillId.equals(r.key()), 1, WAIT);
        assertThat(found).as("drill.completed of " + drillId).hasSize(1);
        assertThat(found.get(0).headers()).containsEntry("ce_type", EventType.DRILL_COMPLETED.type());
        return EventJson.read(found.get(0).value(), DrillCompleted.class);
    }

    private double gauge(String name, String namespace) {
        return metrics.find(name).tag("cluster", "aks-source").tag("namespace", namespace).gauge().value();
    }

    private static List<String> catalogBlobs(String prefix) {
        return new BlobServiceClientBuilder()
                .connectionString(LocalCloudTestResource.cloud().storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT))
                .buildClient().getBlobContainerClient("ferry-catalog").listBlobs(new ListBlobsOptions().setPrefix(prefix), null)
                .stream().map(b -> b.getName()).toList();
    }

    private static void send(FerryEvent event) {
        EventEnvelope envelope = EventEnvelope.of(event, IMPORTER, Clock.systemUTC());
        kafka().send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.write(event));
    }

    private static KubernetesClient dr() {
        return LocalCloudTestResource.cloud().drCluster().client();
    }
}
