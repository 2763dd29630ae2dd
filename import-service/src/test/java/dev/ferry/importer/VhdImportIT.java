package dev.ferry.importer;

import org.junit.jupiter.api.BeforeEach;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.RestAssured;
import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.options.PageBlobCreateOptions;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.events.DrTarget;
import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.PvcSpec;
import dev.ferry.events.RegionSnapshotNames;
import dev.ferry.events.RegionSnapshotTags;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.StepFailed;
import dev.ferry.events.Topics;
import dev.ferry.events.TransferStats;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VhdBlob;
import dev.ferry.events.VhdExported;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.SparseContent;
import dev.ferry.localcloud.azure.compute.VhdFooter;
import dev.ferry.localcloud.kafka.TopicProbe;
import dev.ferry.support.messaging.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The import service against a real broker, the Azure fake and Azurite behind the storage front:
 * VhdExported in, a region-B snapshot with the same bytes and SnapshotRecreated out. The sweep
 * tests run last: the replica sweep stops the service's clock one replica grace after a replica's last
 * write, and the final sweep, with a minimum age of zero, deletes what the other tests made.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true)
class VhdImportIT {

    /** These tests are not about who may call: they call as the cluster's administrator (AccessControlIT is about who may). */
    @BeforeEach
    void callAsClusterAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalCloudTestResource.adminToken()).build();
    }

    private static final long DISK_BYTES = 1L << 30;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventSource EXPORTER = new EventSource("export-service", "aks-source");

    @Inject
    TestClock clock;

    @Inject
    MeterRegistry metrics;

    @Inject
    ImportConfig config;


    @Test
    void anExportedVhdBecomesARegionBSnapshotWithTheSameBytesAndTheVhdIsDeleted() {
        Volume volume = exportVolume(7);

        SnapshotRecreated recreated = awaitRecreated(volume.event().backupId());

        ResourceKey key = ResourceKey.parse(recreated.targetSnapshotId().toString());
        assertThat(key.resourceGroup()).isEqualToIgnoringCase(LocalCloud.DR_GROUP);
        assertThat(key.name()).isEqualTo(RegionSnapshotNames.of(volume.event().backupId(), volume.event().volume().pvc().uid()));
        var snapshot = cloud().azure().compute().snapshot(key).orElseThrow();
        assertThat(snapshot.region()).isEqualTo(LocalCloud.DR_REGION);
        assertThat(snapshot.tags()).containsEntry(RegionSnapshotTags.BACKUP_ID, volume.event().backupId())
                .containsEntry(RegionSnapshotTags.PVC_UID, volume.event().volume().pvc().uid())
                .containsEntry(RegionSnapshotTags.CREATED_BY, "import-service");
        assertThat(snapshot.content().writtenRanges(0, DISK_BYTES)).isEqualTo(volume.source().writtenRanges(0, DISK_BYTES));
        for (SparseContent.Range range : volume.source().writtenRanges(0, DISK_BYTES)) {
            assertThat(snapshot.content().read(range.start(), (int) range.length()))
                    .isEqualTo(volume.source().read(range.start(), (int) range.length()));
        }
        assertThat(recreated.targetSizeBytes()).isEqualTo(DISK_BYTES);
        assertThat(recreated.method()).isEqualTo("import");
        assertThat(recreated.importDurationMillis()).isNotNull();
        assertThat(recreated.volume()).isEqualTo(volume.event().volume());
        assertThat(recreated.transfer()).isEqualTo(volume.event().transfer());
        assertThat(volume.blob().exists()).isFalse();
    }

    @Test
    void anEventNamingTheTargetGroupAndStagingAccountInOtherCasingIsImported() {
        String shoutedGroup = LocalCloud.DR_GROUP.toUpperCase(Locale.ROOT);
        ArmResourceId account = ArmResourceId.parse(cloud().drStagingAccount().id()
                .replace("/resourceGroups/" + LocalCloud.DR_GROUP + "/", "/resourceGroups/" + shoutedGroup + "/"));
        Volume volume = exportVolume(21, VhdFooter.forDisk(DISK_BYTES),
                new DrTarget(LocalCloud.DR_REGION, LocalCloud.SUBSCRIPTION_ID, shoutedGroup, account));

        SnapshotRecreated recreated = awaitRecreated(volume.event().backupId());

        assertThat(recreated.targetSnapshotId().resourceGroup()).isEqualToIgnoringCase(LocalCloud.DR_GROUP);
        assertThat(cloud().azure().compute().snapshot(ResourceKey.parse(recreated.targetSnapshotId().toString()))).isPresent();
        assertThat(volume.blob().exists()).isFalse();
    }

    @Test
    void aRedeliveredEventMakesNoSecondSnapshot() {
        Volume volume = exportVolume(8);
        awaitRecreated(volume.event().backupId());

        send(volume.event());

        List<TopicProbe.Received> both = kafka().read(Topics.SNAPSHOT_RECREATED,
                r -> r.text().contains(volume.event().backupId()), 2, WAIT);
        assertThat(both).hasSize(2);
        String name = RegionSnapshotNames.of(volume.event().backupId(), volume.event().volume().pvc().uid());
        assertThat(cloud().azure().compute().snapshots(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP))
                .filteredOn(s -> s.key().name().equals(name)).hasSize(1);
        SnapshotRecreated second = EventJson.read(both.get(1).value(), SnapshotRecreated.class);
        assertThat(second.importDurationMillis()).isZero();
    }

    @Test
    void aReplicaHoldingTheEventsSnapshotIsImportedInPlaceKeptAndMarkedImported() {
        Volume volume = exportVolume(11, VhdFooter.forDisk(DISK_BYTES), TestTargets.drTarget(), VhdImporter.REPLICA_CONTAINER,
                event -> Map.of("ferry_kind", "replica", "ferry_generation", event.volume().source().snapshotId().canonical()));
        String generation = volume.event().volume().source().snapshotId().canonical();

        SnapshotRecreated recreated = awaitRecreated(volume.event().backupId());

        var snapshot = cloud().azure().compute().snapshot(ResourceKey.parse(recreated.targetSnapshotId().toString())).orElseThrow();
        assertThat(snapshot.content().writtenRanges(0, DISK_BYTES)).isEqualTo(volume.source().writtenRanges(0, DISK_BYTES));
        assertThat(volume.blob().exists()).as("a replica stays for the next diff").isTrue();
        assertThat(volume.blob().getProperties().getMetadata()).containsEntry("ferry_imported", generation)
                .containsEntry("ferry_generation", generation).containsEntry("ferry_kind", "replica");
    }

    @Test
    void aReplicaThatHoldsAnotherGenerationIsNotImported() {
        Volume volume = exportVolume(12, VhdFooter.forDisk(DISK_BYTES), TestTargets.drTarget(), VhdImporter.REPLICA_CONTAINER,
                event -> Map.of("ferry_kind", "replica", "ferry_generation", "/subscriptions/other/snapshot"));

        StepFailed failed = awaitFailed(volume.event().backupId());

        assertThat(failed.errorCode()).isEqualTo("ReplicaMovedOn");
        String name = RegionSnapshotNames.of(volume.event().backupId(), volume.event().volume().pvc().uid());
        assertThat(cloud().azure().compute().snapshots(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP))
                .noneMatch(s -> s.key().name().equals(name));
        assertThat(volume.blob().getProperties().getMetadata()).doesNotContainKey("ferry_imported");
    }

    @Test
    void anEventWhoseContainerIsNotTheOneItsUrlNamesIsRefusedAndTheBlobKept() {
        Volume replica = exportVolume(13, VhdFooter.forDisk(DISK_BYTES), TestTargets.drTarget(), VhdImporter.REPLICA_CONTAINER,
                event -> Map.of("ferry_kind", "replica", "ferry_generation", "/subscriptions/other/snapshot"));
        awaitFailed(replica.event().backupId());
        VhdExported event = replica.event();
        // A replica's URL announced as a VHD of the backup: deleting it after the import would lose the disk's replica.
        VhdExported disguised = new VhdExported(event.schemaVersion(), UUID.randomUUID().toString(), event.correlationId(),
                event.volume(), new VhdBlob(event.vhd().url(), event.vhd().storageAccountId(), "vhds", event.vhd().blobName(),
                event.vhd().sizeBytes()), event.transfer());
        send(disguised);

        StepFailed failed = awaitFailed(disguised.backupId());

        assertThat(failed.errorCode()).isEqualTo("VhdContainerMismatch");
        assertThat(replica.blob().exists()).isTrue();
    }

    @Test
    void aVhdWithABadFooterGivesStepFailedWithAzuresReasonAndStaysForInspection() {
        byte[] footer = VhdFooter.forDisk(DISK_BYTES);
        footer[0] = 'X';
        Volume volume = exportVolume(9, footer, TestTargets.drTarget());

        StepFailed failed = awaitFailed(volume.event().backupId());

        assertThat(failed.step()).hasToString("IMPORT");
        assertThat(failed.errorCode()).isEqualTo("InvalidParameter");
        assertThat(failed.reason()).contains("conectix");
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.volume()).isEqualTo(volume.event().volume());
        assertThat(failed.causeEventType()).isEqualTo(EventType.VHD_EXPORTED.type());
        assertThat(volume.blob().exists()).isTrue();
    }

    @Test
    void aStagingAccountOutsideTheAllowListIsRefusedBeforeAnyAzureCall() {
        String tripwire = "tripwire";
        Faults faults = cloud().azure().faults();
        int before = faults.served(Faults.Kind.ARM_READ) + faults.served(Faults.Kind.ARM_WRITE);
        faults.inject(Faults.Kind.ARM_READ, Faults.Fault.latency(Duration.ofMillis(1)), 100)
                .inject(Faults.Kind.ARM_WRITE, Faults.Fault.latency(Duration.ofMillis(1)), 100);
        try {
            DrTarget target = TestTargets.drTarget();
            ArmResourceId eastAccount = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP,
                    "Microsoft.Storage", "storageAccounts", LocalCloud.SOURCE_STAGING_ACCOUNT);
            VhdExported event = TestTargets.exported(UUID.randomUUID().toString(), target,
                    new VhdBlob(cloud().storage().blobEndpoint(LocalCloud.SOURCE_STAGING_ACCOUNT) + "/vhds/" + tripwire + ".vhd",
                            eastAccount, "vhds", tripwire + ".vhd", DISK_BYTES + 512), DISK_BYTES);
            send(event);

            StepFailed failed = awaitFailed(event.backupId());

            assertThat(failed.errorCode()).isEqualTo("StagingAccountNotAllowed");
            assertThat(failed.retryable()).isFalse();
            assertThat(faults.served(Faults.Kind.ARM_READ) + faults.served(Faults.Kind.ARM_WRITE)).isEqualTo(before);
        } finally {
            faults.clear();
        }
    }

    @Test
    void injectedThrottlingAndServerErrorsAreSurvived() {
        Faults faults = cloud().azure().faults();
        faults.inject(Faults.Kind.ARM_WRITE, Faults.Fault.throttle(Duration.ofSeconds(1)), 1)
                .inject(Faults.Kind.ARM_READ, Faults.Fault.internalError(), 1);
        try {
            Volume volume = exportVolume(10);

            SnapshotRecreated recreated = awaitRecreated(volume.event().backupId());

            assertThat(cloud().azure().compute().snapshot(ResourceKey.parse(recreated.targetSnapshotId().toString()))).isPresent();
            assertThat(faults.served(Faults.Kind.ARM_WRITE)).isGreaterThanOrEqualTo(1);
        } finally {
            faults.clear();
        }
    }

    @Test
    void aMalformedEventGoesToTheDeadLetterTopic() {
        String marker = "malformed-" + UUID.randomUUID();
        kafka().send(Topics.VHD_EXPORTED, marker, Map.of("ce_type", EventType.VHD_EXPORTED.type()),
                ("{\"schemaVersion\":1,\"backupId\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8));

        List<TopicProbe.Received> dead = kafka().read(Topics.dlq(Topics.VHD_EXPORTED), r -> marker.equals(r.key()), 1, WAIT);

        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).headers().get("dead-letter-reason")).contains("volume").contains("required");
        assertThat(dead.get(0).headers()).containsEntry(DeadLetters.REASON_HEADER, "invalid-event");
        assertThat(metrics.counter(DeadLetters.METRIC, "topic", Topics.VHD_EXPORTED, "reason", "invalid-event").count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void theSweeperReportsThenDeletesLeftoverVhdsAndSnapshotsMissingFromTheCatalog() {
        LocalCloud cloud = cloud();
        BlobContainerClient vhds = stagingContainer("vhds");
        PageBlobClient leftover = vhds.getBlobClient("leftover-" + UUID.randomUUID() + ".vhd").getPageBlobClient();
        leftover.create(1024 * 1024 + 512, true);
        String orphanBackup = UUID.randomUUID().toString();
        String keptBackup = UUID.randomUUID().toString();
        var orphan = ferrySnapshot(orphanBackup);
        var kept = ferrySnapshot(keptBackup);
        BlobContainerClient catalog = stagingContainer(Sweeper.CATALOG_CONTAINER);
        catalog.getBlobClient("restorepoints/aks-source/shop/" + keptBackup + "/0.json").upload(
                com.azure.core.util.BinaryData.fromString("{}"), true);

        var report = io.restassured.RestAssured.given().contentType("application/json").body("{\"minAge\":\"PT0S\"}")
                .post("/api/v1/sweeps").then().statusCode(200).extract().jsonPath();
        // Snapshot ids are as Azure answers them (the resource group in capitals): compared without case.
        assertThat(report.getList("leftovers.id", String.class)).anyMatch(leftover.getBlobUrl()::equals)
                .anyMatch(orphan.id()::equalsIgnoreCase).noneMatch(kept.id()::equalsIgnoreCase);
        assertThat(report.getList("leftovers.deleted", Boolean.class)).containsOnly(false);
        assertThat(leftover.exists()).isTrue();

        // Sweeps are for cluster administrators: an operator of every namespace may not, and deletes nothing.
        var cluster = LocalCloudTestResource.serviceCluster();
        cluster.create(java.nio.file.Path.of("../deploy/base/access/01-clusterroles.yaml"));
        cluster.bind("olga@example.com", "ferry-operator", null);
        String operator = cluster.identities().issueUser("olga@example.com", List.of(), Duration.ofMinutes(5));
        var asAdmin = io.restassured.RestAssured.requestSpecification;
        io.restassured.RestAssured.requestSpecification = null;
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + operator).contentType("application/json")
                .body("{\"minAge\":\"PT0S\",\"delete\":true}").post("/api/v1/sweeps").then().statusCode(403)
                .body("errors", org.hamcrest.Matchers.contains("missing permission: create sweeps.ferry.dev (cluster-wide)"));
        io.restassured.RestAssured.given().header("Authorization", "Bearer nonsense").contentType("application/json")
                .body("{\"minAge\":\"PT0S\",\"delete\":true}").post("/api/v1/sweeps").then().statusCode(401);
        io.restassured.RestAssured.requestSpecification = asAdmin;
        assertThat(leftover.exists()).isTrue();

        io.restassured.RestAssured.given().contentType("application/json").body("{\"minAge\":\"PT0S\",\"delete\":true}")
                .post("/api/v1/sweeps").then().statusCode(200);

        assertThat(leftover.exists()).isFalse();
        assertThat(cloud.azure().compute().snapshot(orphan.key())).isEmpty();
        assertThat(cloud.azure().compute().snapshot(kept.key())).isPresent();
        io.restassured.RestAssured.given().contentType("application/json").body("{\"minAge\":\"soon\"}")
                .post("/api/v1/sweeps").then().statusCode(400).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("https://ferry.dev/problems/invalid-request"))
                .body("instance", org.hamcrest.Matchers.equalTo("/api/v1/sweeps"))
                .body("detail", org.hamcrest.Matchers.containsString("ISO-8601"));
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void theSweeperDeletesAReplicaUnwrittenForLongerThanTheGraceAndKeepsAFreshOneAndBlobsOfNoReplicaKind() {
        BlobContainerClient replicas = stagingContainer("replicas");
        String run = UUID.randomUUID().toString().substring(0, 8);
        // In the container, written first (so the oldest), but not a replica: never the sweeper's.
        PageBlobClient noKind = replicas.getBlobClient("not-a-replica-" + run + ".vhd").getPageBlobClient();
        noKind.createWithResponse(new PageBlobCreateOptions(512).setMetadata(Map.of("ferry_createdby", "export-service")),
                null, com.azure.core.util.Context.NONE);
        PageBlobClient stale = replica(replicas, "pvc-stale-" + run);
        PageBlobClient fresh = replica(replicas, "pvc-fresh-" + run);
        // Last-Modified has whole seconds: rewrite the fresh one's metadata, as each backup does, until it is the later.
        Instant staleWritten = stale.getProperties().getLastModified().toInstant();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            fresh.setMetadata(replicaMetadata("pvc-fresh-" + run));
            return fresh.getProperties().getLastModified().toInstant().isAfter(staleWritten);
        });
        Instant freshWritten = fresh.getProperties().getLastModified().toInstant();
        // Now is one grace after the fresh replica's last write: the stale one was written before that, the fresh one at it.
        clock.stopAt(freshWritten.plus(config.sweeper().replicaGrace()));
        try {
            // A minimum age of a century: the other tests' VHDs and snapshots are not this test's business.
            var report = io.restassured.RestAssured.given().contentType("application/json").body("{\"minAge\":\"P36500D\"}")
                    .post("/api/v1/sweeps").then().statusCode(200).extract().jsonPath();
            assertThat(report.getList("leftovers.findAll { it.kind == 'replica' }.id", String.class))
                    .contains(stale.getBlobUrl()).doesNotContain(fresh.getBlobUrl(), noKind.getBlobUrl());
            assertThat(report.getList("leftovers.deleted", Boolean.class)).containsOnly(false);
            assertThat(report.getString("leftovers.find { it.id == '" + stale.getBlobUrl() + "' }.reason"))
                    .contains("replica grace").contains("pvc-stale-" + run);
            assertThat(stale.exists()).isTrue();

            var deleting = io.restassured.RestAssured.given().contentType("application/json")
                    .body("{\"minAge\":\"P36500D\",\"delete\":true}")
                    .post("/api/v1/sweeps").then().statusCode(200).extract().jsonPath();

            assertThat(deleting.getBoolean("leftovers.find { it.id == '" + stale.getBlobUrl() + "' }.deleted")).isTrue();
            assertThat(stale.exists()).isFalse();
            assertThat(fresh.exists()).isTrue();
            assertThat(noKind.exists()).isTrue();
        } finally {
            clock.resume();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A replica as export-service keeps one per source disk: {@code replicas/<subscription>/<resource group>/<disk>.vhd}. */
    private static PageBlobClient replica(BlobContainerClient replicas, String disk) {
        String name = (LocalCloud.SUBSCRIPTION_ID + "/" + LocalCloud.SOURCE_NODE_GROUP + "/" + disk + ".vhd").toLowerCase(Locale.ROOT);
        PageBlobClient blob = replicas.getBlobClient(name).getPageBlobClient();
        blob.createWithResponse(new PageBlobCreateOptions(DISK_BYTES + 512)
                        .setTags(Map.of("ferry.createdBy", "export-service", "ferry.kind", "replica"))
                        .setMetadata(replicaMetadata(disk)), null, com.azure.core.util.Context.NONE);
        return blob;
    }

    private static Map<String, String> replicaMetadata(String disk) {
        ArmResourceId diskId = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, "Microsoft.Compute", "disks", disk);
        ArmResourceId generation = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, "Microsoft.Compute",
                "snapshots", "snapshot-" + disk);
        return Map.of("ferry_createdby", "export-service", "ferry_kind", "replica", "ferry_sourcedisk", diskId.canonical(),
                "ferry_generation", generation.canonical());
    }

    private static BlobContainerClient stagingContainer(String name) {
        BlobContainerClient container = new BlobServiceClientBuilder()
                .connectionString(cloud().storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT)).buildClient()
                .getBlobContainerClient(name);
        container.createIfNotExists();
        return container;
    }

    /** A region-B snapshot as the import service makes them, for a backup. */
    private static dev.ferry.localcloud.azure.compute.Snapshot ferrySnapshot(String backupId) {
        var compute = cloud().azure().compute();
        var disk = compute.createEmptyDisk(ResourceKey.disk(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP, "d-" + backupId),
                LocalCloud.DR_REGION, DISK_BYTES, Map.of());
        var snapshot = compute.copyDisk(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP, "s-" + backupId),
                LocalCloud.DR_REGION, disk.id(), false,
                Map.of(RegionSnapshotTags.BACKUP_ID, backupId, RegionSnapshotTags.CREATED_BY, "import-service"), "Standard_LRS");
        compute.provisioned(snapshot);
        return snapshot;
    }

    private record Volume(VhdExported event, SparseContent source, PageBlobClient blob) {
    }

    private static LocalCloud cloud() {
        return LocalCloudTestResource.cloud();
    }

    private static Volume exportVolume(long seed) {
        return exportVolume(seed, VhdFooter.forDisk(DISK_BYTES), TestTargets.drTarget());
    }

    private static Volume exportVolume(long seed, byte[] footer, DrTarget target) {
        return exportVolume(seed, footer, target, "vhds", event -> Map.of());
    }

    /**
     * Writes a sparse source, uploads it as a VHD page blob into a container of the staging account (what the
     * exporter does: a VHD of the backup, or a disk's replica with its metadata), sends VhdExported.
     */
    private static Volume exportVolume(long seed, byte[] footer, DrTarget target, String containerName,
                                       java.util.function.Function<VhdExported, Map<String, String>> metadata) {
        String backupId = UUID.randomUUID().toString();
        SparseContent source = new SparseContent(DISK_BYTES);
        Random random = new Random(seed);
        for (int i = 0; i < 5; i++) {
            byte[] data = new byte[(1 + random.nextInt(64)) * 512];
            random.nextBytes(data);
            source.write((long) random.nextInt(1 << 20) * 512, data);
        }
        String blobName = backupId + "/" + UUID.randomUUID() + ".vhd";
        BlobContainerClient container = new BlobServiceClientBuilder()
                .connectionString(cloud().storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT)).buildClient()
                .getBlobContainerClient(containerName);
        container.createIfNotExists();
        PageBlobClient blob = container.getBlobClient(blobName).getPageBlobClient();
        blob.create(DISK_BYTES + 512, true);
        for (SparseContent.Range range : source.writtenRanges(0, DISK_BYTES)) {
            blob.uploadPages(new PageRange().setStart(range.start()).setEnd(range.end() - 1),
                    new ByteArrayInputStream(source.read(range.start(), (int) range.length())));
        }
        blob.uploadPages(new PageRange().setStart(DISK_BYTES).setEnd(DISK_BYTES + 511), new ByteArrayInputStream(footer));
        VhdExported event = TestTargets.exported(backupId, target, new VhdBlob(blob.getBlobUrl(), ArmResourceId.parse(cloud().drStagingAccount().id()),
                containerName, blobName, DISK_BYTES + 512), DISK_BYTES);
        if (!metadata.apply(event).isEmpty()) {
            blob.setMetadata(metadata.apply(event));
        }
        send(event);
        return new Volume(event, source, blob);
    }

    private static void send(VhdExported event) {
        EventEnvelope envelope = EventEnvelope.of(event, EXPORTER, Clock.systemUTC());
        kafka().send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.write(event));
    }

    private static SnapshotRecreated awaitRecreated(String backupId) {
        List<TopicProbe.Received> found = kafka().read(Topics.SNAPSHOT_RECREATED, r -> r.text().contains(backupId), 1, WAIT);
        assertThat(found).as("SnapshotRecreated of %s", backupId).hasSize(1);
        assertThat(found.get(0).headers()).containsEntry("ce_type", EventType.SNAPSHOT_RECREATED.type())
                .containsEntry("ce_source", "/ferry/import-service/dr");
        return EventJson.read(found.get(0).value(), SnapshotRecreated.class);
    }

    private static StepFailed awaitFailed(String backupId) {
        List<TopicProbe.Received> found = kafka().read(Topics.STEP_FAILED, r -> r.text().contains(backupId), 1, WAIT);
        assertThat(found).as("StepFailed of %s", backupId).hasSize(1);
        return EventJson.read(found.get(0).value(), StepFailed.class);
    }

    /** Valid events about one volume, pointing at the local cloud's regions. */
    static final class TestTargets {

        static DrTarget drTarget() {
            return new DrTarget(LocalCloud.DR_REGION, LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP,
                    ArmResourceId.parse(cloud().drStagingAccount().id()));
        }

        static VhdExported exported(String backupId, DrTarget target, VhdBlob vhd, long diskBytes) {
            String pvcUid = UUID.randomUUID().toString();
            ArmResourceId disk = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, "Microsoft.Compute", "disks", "pvc-" + pvcUid);
            ArmResourceId snapshot = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, "Microsoft.Compute", "snapshots", "snapshot-" + pvcUid);
            PvcSpec pvc = new PvcSpec("orders-db", pvcUid, "managed-csi", List.of("ReadWriteOnce"), "Filesystem", diskBytes, diskBytes, Map.of("app", "shop"));
            Instant now = Instant.now();
            VolumeBackup volume = new VolumeBackup("manual", "aks-source", "shop", pvc, 0, 1,
                    new SourceSnapshot(snapshot, disk, LocalCloud.SOURCE_REGION, diskBytes, true, null), target, TransferStrategy.VHD_FULL, null, now);
            TransferStats transfer = TransferStats.full("streaming", 4096, 4096, diskBytes, 100, now, now.plusMillis(100));
            return new VhdExported(FerryEvent.SCHEMA_VERSION, backupId, "corr-" + backupId, volume, vhd, transfer);
        }
    }
}
