package dev.ferry.restore;

import org.junit.jupiter.api.BeforeEach;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.RestAssured;
import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.RestoreCompleted;
import dev.ferry.events.RestoreRequested;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.StepFailed;
import dev.ferry.events.Topics;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.kafka.TopicProbe;
import dev.ferry.localcloud.kube.KubeCluster;
import dev.ferry.restore.catalog.Catalog;
import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.restore.catalog.CatalogLoader;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.support.messaging.DeadLetters;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * restore-service against the real stand-ins: a Kafka broker, Azurite (the catalog), the Azure fake
 * (region-B snapshots) and the DR cluster's Kubernetes mock with its CSI simulator.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = LocalCloudTestResource.CLUSTER_ARG, value = "dr"))
class RestoreIT {

    /** These tests are not about who may call: they call as the cluster's administrator (AccessControlIT is about who may). */
    @BeforeEach
    void callAsClusterAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalCloudTestResource.adminToken()).build();
    }

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventSource IMPORTER = new EventSource("import-service", "aks-dr");
    private static final EventSource RUNBOOK = new EventSource("dr-runbook", "ops");

    @Inject
    CatalogView view;

    @Inject
    MeterRegistry metrics;

    @Inject
    Catalog catalog;

    @Inject
    RestoreLedger ledger;

    // ---- catalog ---------------------------------------------------------------------------------

    @Test
    void threeRecreatedVolumesMakeOneCompleteRestorePointInTheStorageAccount() {
        String backupId = newId();
        Instant takenAt = Instant.parse("2026-11-24T01:00:00Z");
        List<String> pvcs = List.of("orders-db", "orders-cache", "orders-files");
        for (int i = 0; i < 3; i++) {
            send(RegionB.recreated(backupId, "shop-a", "manual", pvcs.get(i), i, 3, RegionB.snapshot(i).snapshotId(), takenAt.plusSeconds(i)));
        }

        await().atMost(WAIT).untilAsserted(() -> given().queryParam("namespace", "shop-a").get("/api/v1/restore-points")
                .then().statusCode(200).body("", hasSize(1)).body("[0].id", equalTo(backupId)).body("[0].complete", equalTo(true)));
        given().get("/api/v1/restore-points/" + backupId).then().statusCode(200)
                .body("volumeCount", equalTo(3)).body("volumes", hasSize(3))
                .body("volumes[1].pvcName", equalTo("orders-cache"))
                .body("recoveryPointAt", equalTo("2026-11-24T01:00:00Z"))
                .body("sourceCluster", equalTo("aks-source"));

        List<String> blobs = catalogContainer().listBlobs(new ListBlobsOptions().setPrefix("restorepoints/aks-source/shop-a/" + backupId + "/"), null)
                .stream().map(b -> b.getName()).sorted().toList();
        assertThat(blobs).containsExactly(
                "restorepoints/aks-source/shop-a/" + backupId + "/0-orders-db.json",
                "restorepoints/aks-source/shop-a/" + backupId + "/1-orders-cache.json",
                "restorepoints/aks-source/shop-a/" + backupId + "/2-orders-files.json");
    }

    @Test
    void aRestartRebuildsTheSameViewFromStorageAlone() {
        String backupId = newId();
        send(RegionB.recreated(backupId, "shop-b", "manual", "ledger", 0, 2, RegionB.snapshot(7).snapshotId(), Instant.now()));
        send(RegionB.recreated(backupId, "shop-b", "manual", "journal", 1, 2, RegionB.snapshot(8).snapshotId(), Instant.now()));
        await().atMost(WAIT).until(() -> view.find(backupId).map(RestorePoint::complete).orElse(false));

        // A new replica knows nothing but the storage account.
        CatalogView fresh = new CatalogView();
        new CatalogLoader(catalog, fresh).refresh();

        assertThat(fresh.loaded()).isTrue();
        assertThat(fresh.list(Optional.of("shop-b"), Optional.empty())).isEqualTo(view.list(Optional.of("shop-b"), Optional.empty()));
        assertThat(fresh.find(backupId).orElseThrow().volumes()).extracting(e -> e.volume().pvc().name()).containsExactly("ledger", "journal");
    }

    @Test
    void concurrentWritersLoseNoEntryAndOverwriteNone() throws Exception {
        String backupId = newId();
        var snapshot = RegionB.snapshot(3).snapshotId();
        List<CatalogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            entries.add(CatalogEntry.of(RegionB.recreated(backupId, "shop-c", "manual", "vol-" + i, i, 8, snapshot, Instant.now())));
        }
        List<CatalogEntry> writes = new ArrayList<>(entries);
        writes.addAll(entries);
        writes.addAll(entries);
        Collections.shuffle(writes);
        ExecutorService writers = Executors.newFixedThreadPool(8);
        List<Future<Catalog.Recorded>> results = new ArrayList<>();
        for (CatalogEntry entry : writes) {
            results.add(writers.submit(() -> catalog.record(entry)));
        }
        List<Catalog.Recorded> outcomes = new ArrayList<>();
        for (Future<Catalog.Recorded> result : results) {
            outcomes.add(result.get());
        }
        writers.shutdown();

        assertThat(outcomes).filteredOn(o -> o == Catalog.Recorded.CREATED).hasSize(8);
        assertThat(outcomes).filteredOn(o -> o == Catalog.Recorded.ALREADY_THERE).hasSize(16);
        List<CatalogEntry> stored = catalog.readAll().stream().filter(e -> e.backupId().equals(backupId)).toList();
        assertThat(stored).hasSize(8).allMatch(e -> e.snapshotId().equals(snapshot));

        // Another copy of volume 0 (a different region-B snapshot) never replaces the recorded one.
        CatalogEntry other = CatalogEntry.of(RegionB.recreated(backupId, "shop-c", "manual", "vol-0", 0, 8,
                RegionB.snapshot(4).snapshotId(), Instant.now()));
        assertThat(catalog.record(other)).isEqualTo(Catalog.Recorded.CONFLICT);
        assertThat(catalog.readAll().stream().filter(e -> e.blobName().equals(other.blobName())).findFirst().orElseThrow().snapshotId())
                .isEqualTo(snapshot);
    }

    @Test
    void retentionKeepsTheNewestCompleteRestorePointsOfThePolicyAndDeletesTheRest() {
        Instant first = Instant.parse("2026-11-24T00:00:00Z");
        // A manual backup of the same namespace, older than every hourly one: another policy's, so
        // "hourly" keeping 2 leaves it alone (a retention that ignored the policy would delete it first).
        String manual = newId();
        RegionB.Copy manualCopy = RegionB.snapshot(30);
        send(RegionB.recreated(manual, "shop-d", "manual", "orders", 0, 1, manualCopy.snapshotId(), first.minus(Duration.ofDays(1))));
        await().atMost(WAIT).until(() -> view.find(manual).isPresent());
        List<String> backups = new ArrayList<>();
        List<RegionB.Copy> copies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String backupId = newId();
            RegionB.Copy copy = RegionB.snapshot(20 + i);
            backups.add(backupId);
            copies.add(copy);
            send(RegionB.recreated(backupId, "shop-d", "hourly", "orders", 0, 1, copy.snapshotId(), first.plus(Duration.ofHours(i))));
            await().atMost(WAIT).until(() -> view.find(backupId).isPresent());
        }

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(view.find(backups.get(0))).isEmpty();
            assertThat(snapshotExists(copies.get(0))).isFalse();
        });
        assertThat(view.find(backups.get(1))).isPresent();
        assertThat(view.find(backups.get(2))).isPresent();
        assertThat(view.find(manual)).isPresent();
        assertThat(snapshotExists(copies.get(1))).isTrue();
        assertThat(snapshotExists(copies.get(2))).isTrue();
        assertThat(snapshotExists(manualCopy)).isTrue();
        assertThat(catalog.readAll()).noneMatch(e -> e.backupId().equals(backups.get(0)));
    }

    @Test
    void anEventThatWouldJoinAnotherNamespacesRestorePointIsRefused() {
        String backupId = newId();
        RegionB.Copy copy = RegionB.snapshot(81);
        send(RegionB.recreated(backupId, "shop-j", "manual", "orders", 0, 2, copy.snapshotId(), Instant.now()));
        await().atMost(WAIT).until(() -> view.find(backupId).isPresent());

        // The same backup id and volume index from another namespace: never mixed into shop-j's restore point.
        send(RegionB.recreated(backupId, "intruder", "manual", "orders", 0, 2, RegionB.snapshot(82).snapshotId(), Instant.now()));
        StepFailed failed = awaitFailed(backupId);

        assertThat(failed.errorCode()).isEqualTo("CatalogConflict");
        RestorePoint point = view.find(backupId).orElseThrow();
        assertThat(point.namespace()).isEqualTo("shop-j");
        assertThat(point.volumes()).singleElement().satisfies(e -> assertThat(e.snapshotId()).isEqualTo(copy.snapshotId()));
        assertThat(catalog.readAll()).filteredOn(e -> e.backupId().equals(backupId)).hasSize(1);
    }

    @Test
    void aSnapshotOutsideTheAllowedResourceGroupsIsNotCataloged() {
        String backupId = newId();
        var elsewhere = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, "someone-elses-group", "Microsoft.Compute",
                "snapshots", "ferry-x");
        send(RegionB.recreated(backupId, "shop-e", "manual", "orders", 0, 1, elsewhere, Instant.now()));

        StepFailed failed = awaitFailed(backupId);
        assertThat(failed.errorCode()).isEqualTo("SnapshotNotAllowed");
        assertThat(failed.retryable()).isFalse();
        assertThat(catalog.readAll()).noneMatch(e -> e.backupId().equals(backupId));
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopic() {
        String marker = "bad-" + newId();
        kafka().send(Topics.SNAPSHOT_RECREATED, marker, Map.of("ce_type", EventType.SNAPSHOT_RECREATED.type()),
                "{\"schemaVersion\":1,\"backupId\":\"NOT A NAME\"}".getBytes());
        assertThat(kafka().read(Topics.dlq(Topics.SNAPSHOT_RECREATED), r -> marker.equals(r.key()), 1, WAIT)).hasSize(1);

        kafka().send(Topics.RESTORE_REQUESTED, marker, Map.of("ce_type", EventType.RESTORE_REQUESTED.type()), "not json".getBytes());
        List<TopicProbe.Received> dead = kafka().read(Topics.dlq(Topics.RESTORE_REQUESTED), r -> marker.equals(r.key()), 1, WAIT);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).headers()).containsEntry(DeadLetters.REASON_HEADER, "invalid-event");
        assertThat(metrics.counter(DeadLetters.METRIC, "topic", Topics.RESTORE_REQUESTED, "reason", "invalid-event").count())
                .isGreaterThanOrEqualTo(1);
    }

    // ---- restores --------------------------------------------------------------------------------

    @Test
    void aRestRestoreCreatesBoundPvcsWhoseDisksHoldTheSnapshotsBytes() {
        String backupId = newId();
        RegionB.Copy db = RegionB.snapshot(41);
        RegionB.Copy files = RegionB.snapshot(42);
        Instant takenAt = Instant.now().minusSeconds(120);
        send(RegionB.recreated(backupId, "shop-f", "manual", "orders-db", 0, 2, db.snapshotId(), takenAt));
        send(RegionB.recreated(backupId, "shop-f", "manual", "orders-files", 1, 2, files.snapshotId(), takenAt));
        await().atMost(WAIT).until(() -> view.find(backupId).map(RestorePoint::complete).orElse(false));
        String restoreId = newId();

        given().contentType(ContentType.JSON).body(Map.of("restoreId", restoreId, "namespace", "shop-f", "restorePointId", "latest",
                        "createNamespace", true))
                .post("/api/v1/restores").then().statusCode(202)
                .header("Location", containsString("/api/v1/restores/" + restoreId))
                .body("restorePointId", equalTo(backupId)).body("targetNamespace", equalTo("shop-f"));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/restores/" + restoreId).then().statusCode(200)
                .body("state", equalTo("COMPLETED")).body("volumes", hasSize(2)));

        KubernetesClient dr = drClient();
        for (var expected : Map.of("orders-db", db, "orders-files", files).entrySet()) {
            PersistentVolumeClaim claim = dr.persistentVolumeClaims().inNamespace("shop-f").withName(expected.getKey()).get();
            assertThat(claim.getStatus().getPhase()).isEqualTo("Bound");
            assertThat(claim.getMetadata().getLabels()).containsEntry("app", "shop-f").containsEntry("tier", "data")
                    .containsEntry(VolumeRestorer.RESTORE_ID_LABEL, restoreId);
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(claim.getSpec().getStorageClassName()).isEqualTo(LocalCloud.STORAGE_CLASS);
            assertThat(claim.getSpec().getDataSource().getKind()).isEqualTo("VolumeSnapshot");
            String diskId = dr.persistentVolumes().withName(claim.getSpec().getVolumeName()).get().getSpec().getCsi().getVolumeHandle();
            var disk = LocalCloudTestResource.cloud().azure().compute().disk(ResourceKey.parse(diskId)).orElseThrow();
            assertThat(disk.content().read(RegionB.DATA_OFFSET, expected.getValue().data().length)).isEqualTo(expected.getValue().data());
            assertThat(disk.content().writtenBytes()).isEqualTo(expected.getValue().data().length);
        }
        GenericKubernetesResource content = dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS)
                .withName(VolumeRestorer.objectName(restoreId, 0)).get();
        assertThat(spec(content)).containsEntry("deletionPolicy", "Retain").containsEntry("driver", "disk.csi.azure.com");
        assertThat(spec(content).get("source")).isEqualTo(Map.of("snapshotHandle", db.snapshotId().toString()));

        RestoreCompleted completed = EventJson.read(kafka().read(Topics.RESTORE_COMPLETED, r -> r.text().contains(restoreId), 1, WAIT)
                .get(0).value(), RestoreCompleted.class);
        assertThat(completed.restorePointId()).isEqualTo(backupId);
        assertThat(completed.volumes()).extracting(v -> v.pvcName() + ":" + v.phase()).containsExactly("orders-db:Bound", "orders-files:Bound");
        assertThat(completed.restoreDurationMillis()).isPositive().isLessThan(WAIT.toMillis());
        assertThat(completed.recoveryPointAt()).isEqualTo(takenAt);
        assertThat(metrics.find("ferry.restore.application.last.duration.seconds").tag("cluster", "aks-source").tag("namespace", "shop-f")
                .gauge().value()).as("the application's measured restore time").isEqualTo(completed.restoreDurationMillis() / 1000.0);

        // Kept beside the catalog as it ended and once reported, so that a restarted service knows it.
        await().atMost(WAIT).untilAsserted(() -> assertThat(ledger.readAll()).filteredOn(r -> r.restoreId().equals(restoreId))
                .singleElement().satisfies(record -> {
                    assertThat(record.state()).isEqualTo(RestoreRun.State.COMPLETED);
                    assertThat(record.reported()).isTrue();
                    assertThat(record.plan().point().id()).isEqualTo(backupId);
                    assertThat(record.volumes()).hasSize(2);
                }));
        assertThat(catalogContainer().getBlobClient("restores/" + restoreId + ".json").exists()).isTrue();

        // The same restore again: the same answer, nothing new.
        int contents = dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).list().getItems().size();
        given().contentType(ContentType.JSON).body(Map.of("restoreId", restoreId, "namespace", "shop-f", "createNamespace", true))
                .post("/api/v1/restores").then().statusCode(202).body("state", equalTo("COMPLETED"));
        assertThat(dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).list().getItems()).hasSize(contents);

        // Another restore into the same namespace would overwrite the PVCs: refused, nothing created.
        given().contentType(ContentType.JSON).body(Map.of("namespace", "shop-f"))
                .post("/api/v1/restores").then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://ferry.dev/problems/pvc-conflict"))
                .body("detail", containsString("PVC shop-f/orders-db exists already"));
        assertThat(dr.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CONTENTS).list().getItems()).hasSize(contents);
    }

    @Test
    void aPolicysRecoveryObjectivesComeWithItsRestorePointsAndTheRpoTargetIsAMetric() {
        String backupId = newId();
        SnapshotRecreated plain = RegionB.recreated(backupId, "shop-o", "hourly", "orders-db", 0, 1, RegionB.snapshot(48).snapshotId(),
                Instant.now().minusSeconds(300));
        var v = plain.volume();
        send(new SnapshotRecreated(plain.schemaVersion(), plain.backupId(), plain.correlationId(), new dev.ferry.events.VolumeBackup(
                v.policy(), v.sourceCluster(), v.namespace(), v.pvc(), v.volumeIndex(), v.volumeCount(), v.source(), v.target(), v.strategy(),
                v.copySpeed(), v.takenAt(), new dev.ferry.events.RecoveryObjectives(3600L, 600L)), plain.targetSnapshotId(),
                plain.targetSizeBytes(), plain.method(), plain.transfer(), plain.importDurationMillis(), plain.recreatedAt()));

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/restore-points/" + backupId).then().statusCode(200)
                .body("rpoTargetSeconds", equalTo(3600)).body("rtoTargetSeconds", equalTo(600))
                .body("bytesMoved", equalTo(256 * 1024)));
        await().atMost(WAIT).untilAsserted(() -> {
            var target = metrics.find("ferry.restore.point.rpo.target.seconds").tag("namespace", "shop-o").gauge();
            assertThat(target).as("the RPO target gauge").isNotNull();
            assertThat(target.value()).isEqualTo(3600.0);
            assertThat(metrics.find("ferry.restore.point.rto.target.seconds").tag("namespace", "shop-o").gauge().value()).isEqualTo(600.0);
            assertThat(metrics.find("ferry.restore.point.age.seconds").tag("namespace", "shop-o").gauge().value()).isBetween(299.0, 400.0);
        });
    }

    @Test
    void aDryRunShowsWhatARestoreWouldCreateAndCreatesNothing() {
        String backupId = newId();
        RegionB.Copy db = RegionB.snapshot(47);
        send(RegionB.recreated(backupId, "shop-p", "manual", "orders-db", 0, 1, db.snapshotId(), Instant.now().minusSeconds(60)));
        await().atMost(WAIT).until(() -> view.find(backupId).map(RestorePoint::complete).orElse(false));
        String restoreId = newId();
        Map<String, Object> body = Map.of("restoreId", restoreId, "restorePointId", backupId, "targetNamespace", "shop-p-preview",
                "createNamespace", true);

        given().contentType(ContentType.JSON).body(body).queryParam("dryRun", "true").post("/api/v1/restores").then().statusCode(200)
                .body("restorePointId", equalTo(backupId)).body("sourceNamespace", equalTo("shop-p"))
                .body("targetNamespace", equalTo("shop-p-preview")).body("createNamespace", equalTo(true))
                .body("volumes", hasSize(1)).body("volumes[0].pvcName", equalTo("orders-db"))
                .body("volumes[0].storageClassName", equalTo(LocalCloud.STORAGE_CLASS))
                .body("volumes[0].snapshotId", equalTo(db.snapshotId().toString()));
        assertThat(drClient().namespaces().withName("shop-p-preview").get()).as("the namespace after a dry run").isNull();
        given().get("/api/v1/restores/" + restoreId).then().statusCode(404);
        given().get("/api/v1/restores").then().statusCode(200).body("restoreId", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(restoreId)));

        // Refused as the restore itself would be; a dryRun that is not a boolean is a bad request.
        given().contentType(ContentType.JSON).body(Map.of("restorePointId", backupId, "targetNamespace", "shop-p-missing"))
                .queryParam("dryRun", "true").post("/api/v1/restores").then().statusCode(422)
                .body("type", equalTo("https://ferry.dev/problems/namespace-not-found"));
        given().contentType(ContentType.JSON).body(body).queryParam("dryRun", "yes").post("/api/v1/restores").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("dryRun"));

        // The preview held nothing back: the restore itself runs, and heads the list.
        given().contentType(ContentType.JSON).body(body).post("/api/v1/restores").then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/restores/" + restoreId).then().statusCode(200)
                .body("state", equalTo("COMPLETED")));
        given().get("/api/v1/restores").then().statusCode(200).body("[0].restoreId", equalTo(restoreId))
                .body("[0].requestedBy", org.hamcrest.Matchers.notNullValue());
    }

    /** Written as a producer writes from the schema alone: the optional flags with a default are left out. */
    @Test
    void aKafkaRestoreIntoAnotherNamespaceWithAStorageClassMapCompletes() {
        String backupId = newId();
        send(RegionB.recreated(backupId, "shop-g", "manual", "orders", 0, 1, RegionB.snapshot(51).snapshotId(), Instant.now()));
        await().atMost(WAIT).until(() -> view.find(backupId).map(RestorePoint::complete).orElse(false));
        KubernetesClient dr = drClient();
        dr.storage().v1().storageClasses().resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
                .withNewMetadata().withName("managed-csi-zrs").endMetadata().withProvisioner("disk.csi.azure.com")
                .withVolumeBindingMode("Immediate").build()).createOr(existing -> existing.update());
        dr.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop-g-drill").endMetadata().build()).create();
        String restoreId = newId();

        sendWithout(new RestoreRequested(FerryEvent.SCHEMA_VERSION, restoreId, "drill", backupId, null, null, "shop-g-drill",
                Map.of(LocalCloud.STORAGE_CLASS, "managed-csi-zrs"), false, false, "dr-runbook", Instant.now()), "createNamespace", "allowPartial");

        RestoreCompleted completed = EventJson.read(kafka().read(Topics.RESTORE_COMPLETED, r -> r.text().contains(restoreId), 1, WAIT)
                .get(0).value(), RestoreCompleted.class);
        assertThat(completed.targetNamespace()).isEqualTo("shop-g-drill");
        assertThat(completed.sourceNamespace()).isEqualTo("shop-g");
        assertThat(completed.volumes()).singleElement().satisfies(v -> assertThat(v.storageClassName()).isEqualTo("managed-csi-zrs"));
        assertThat(dr.persistentVolumeClaims().inNamespace("shop-g-drill").withName("orders").get().getSpec().getStorageClassName())
                .isEqualTo("managed-csi-zrs");
    }

    @Test
    void aKafkaRestoreIntoANamespaceNotOpenToEventsFailsAndCreatesNothing() {
        String backupId = newId();
        send(RegionB.recreated(backupId, "shop-n", "manual", "orders", 0, 1, RegionB.snapshot(52).snapshotId(), Instant.now()));
        await().atMost(WAIT).until(() -> view.find(backupId).map(RestorePoint::complete).orElse(false));
        String restoreId = newId();

        send(new RestoreRequested(FerryEvent.SCHEMA_VERSION, restoreId, "forged", backupId, null, null, "shop-n-elsewhere", null, true,
                false, "someone", Instant.now()));

        StepFailed failed = awaitFailed(restoreId);
        assertThat(failed.errorCode()).isEqualTo("NotAllowed");
        assertThat(failed.reason()).contains("ferry.restore.event-target-namespaces");
        assertThat(drClient().namespaces().withName("shop-n-elsewhere").get()).as("nothing is created").isNull();
    }

    @Test
    void aKafkaRestoreOfAnUnknownRestorePointFailsWithAStepFailed() {
        String restoreId = newId();
        send(new RestoreRequested(FerryEvent.SCHEMA_VERSION, restoreId, "drill", "no-such-point", null, null, null, null, false, false,
                null, Instant.now()));
        StepFailed failed = awaitFailed(restoreId);
        assertThat(failed.errorCode()).isEqualTo("RestorePointNotFound");
        assertThat(failed.restoreId()).isEqualTo(restoreId);
        assertThat(failed.retryable()).isFalse();
    }

    @Test
    void everyBadRestRequestGetsAProblemThatSaysWhatIsWrong() {
        String partial = newId();
        send(RegionB.recreated(partial, "shop-h", "manual", "orders", 0, 2, RegionB.snapshot(61).snapshotId(), Instant.now()));
        await().atMost(WAIT).until(() -> view.find(partial).isPresent());

        problem(Map.of("restorePointId", "no-such-point"), 404, "restore-point-not-found", "is not in the catalog");
        problem(Map.of("namespace", "nobody-backs-this-up"), 404, "restore-point-not-found", "has no restore point");
        problem(Map.of("restorePointId", partial, "createNamespace", true), 409, "restore-point-incomplete", "has 1 of its 2 volumes");
        problem(Map.of("restorePointId", partial, "targetNamespace", "Not_A_Name"), 400, "invalid-request", "targetNamespace");
        problem(Map.of("restorePointId", partial, "namespace", "shop-h"), 400, "invalid-request", "exactly one of");
        problem(Map.of("restorePointId", partial, "allowPartial", true, "targetNamespace", "absent-ns"), 422, "namespace-not-found",
                "does not exist on the DR cluster");
        problem(Map.of("restorePointId", partial, "allowPartial", true, "createNamespace", true,
                "storageClassMap", Map.of(LocalCloud.STORAGE_CLASS, "no-such-class")), 422, "storage-class-not-found",
                "storage class no-such-class (mapped from managed-csi) does not exist");
        given().contentType(ContentType.JSON).body("{\"namespace\": ").post("/api/v1/restores").then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("https://ferry.dev/problems/malformed-body"));
        given().contentType(ContentType.JSON).post("/api/v1/restores").then().statusCode(400).contentType("application/problem+json");
        given().queryParam("namespace", "Bad Name").get("/api/v1/restore-points").then().statusCode(400)
                .body("detail", containsString("namespace"));
        given().get("/api/v1/restores/" + newId()).then().statusCode(404).contentType("application/problem+json");
        assertThat(drClient().namespaces().withName("absent-ns").get()).isNull();

        // A partial restore point restores what it has when asked to.
        given().contentType(ContentType.JSON).body(Map.of("restorePointId", partial, "allowPartial", true, "createNamespace", true))
                .post("/api/v1/restores").then().statusCode(202);
    }

    @Test
    void aRegionBSnapshotThatIsGoneIsReportedBeforeAnythingIsCreated() {
        String backupId = newId();
        RegionB.Copy copy = RegionB.snapshot(71);
        send(RegionB.recreated(backupId, "shop-i", "manual", "orders", 0, 1, copy.snapshotId(), Instant.now()));
        await().atMost(WAIT).until(() -> view.find(backupId).isPresent());
        LocalCloudTestResource.cloud().azure().compute().deleteSnapshot(ResourceKey.parse(copy.snapshotId().toString()));

        problem(Map.of("restorePointId", backupId, "createNamespace", true), 409, "snapshot-missing", "no longer exists");
        assertThat(drClient().namespaces().withName("shop-i").get()).isNull();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static void problem(Map<String, Object> body, int status, String type, String detail) {
        given().contentType(ContentType.JSON).body(body).post("/api/v1/restores").then().statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo("https://ferry.dev/problems/" + type))
                .body("detail", containsString(detail));
    }

    private static void send(FerryEvent event) {
        sendWithout(event);
    }

    /** Sends the event with these top-level fields left out of its JSON. */
    private static void sendWithout(FerryEvent event, String... fields) {
        EventSource source = event instanceof SnapshotRecreated ? IMPORTER : RUNBOOK;
        EventEnvelope envelope = EventEnvelope.of(event, source, Clock.systemUTC());
        try {
            ObjectNode json = (ObjectNode) EventJson.mapper().readTree(EventJson.write(event));
            json.remove(List.of(fields));
            kafka().send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.mapper().writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StepFailed awaitFailed(String id) {
        List<TopicProbe.Received> found = kafka().read(Topics.STEP_FAILED, r -> r.text().contains(id), 1, WAIT);
        assertThat(found).as("step.failed about " + id).hasSize(1);
        return EventJson.read(found.get(0).value(), StepFailed.class);
    }

    private static boolean snapshotExists(RegionB.Copy copy) {
        return LocalCloudTestResource.cloud().azure().compute().snapshot(ResourceKey.parse(copy.snapshotId().toString())).isPresent();
    }

    private static BlobContainerClient catalogContainer() {
        return new BlobServiceClientBuilder()
                .connectionString(LocalCloudTestResource.cloud().storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT))
                .buildClient().getBlobContainerClient("ferry-catalog");
    }

    private static KubernetesClient drClient() {
        return LocalCloudTestResource.cloud().drCluster().client();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
