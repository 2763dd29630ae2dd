package dev.ferry.restore;

import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.TransferStats;
import dev.ferry.events.VhdBlob;
import dev.ferry.events.VhdExported;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.path.json.JsonPath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backups on their way to region B and failed steps, as {@code GET /api/v1/transfers} and {@code /api/v1/failures} show
 * them from the real events on the real broker: each volume's state, bytes, percent, rate and ETA, and only what the
 * caller may read.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = LocalCloudTestResource.CLUSTER_ARG, value = "dr"))
class ProgressIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long MIB = 1024 * 1024;
    private static final EventSource SNAPSHOTTER = new EventSource("snapshot-service", "aks-source");
    private static final EventSource EXPORTER = new EventSource("export-service", "aks-source");
    private static final String VIEWER = "vera@example.com";

    @BeforeEach
    void callAsClusterAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalCloudTestResource.adminToken()).build();
    }

    @Test
    void eachVolumeShowsWhereItIsWithBytesPercentRateAndEta() {
        String backupId = newId();
        Instant takenAt = Instant.now().minusSeconds(20);
        VolumeBackup db = RegionB.volume("shop-m", "hourly", "orders-db", 0, 2, takenAt);
        VolumeBackup files = RegionB.volume("shop-m", "hourly", "orders-files", 1, 2, takenAt);
        send(SNAPSHOTTER, new SnapshotTaken(FerryEvent.SCHEMA_VERSION, backupId, "corr", db));
        send(SNAPSHOTTER, new SnapshotTaken(FerryEvent.SCHEMA_VERSION, backupId, "corr", files));
        send(EXPORTER, progressed(backupId, db, 0, 40 * MIB, TransferProgressed.WAITING_FOR_THROTTLING, takenAt.plusSeconds(1)));
        send(EXPORTER, progressed(backupId, db, 0, 40 * MIB, null, takenAt.plusSeconds(2)));
        send(EXPORTER, progressed(backupId, db, 10 * MIB, 40 * MIB, null, takenAt.plusSeconds(4)));

        // The topics are not ordered with each other: wait until both volumes' snapshots and the last report have come.
        JsonPath backup = awaitBackup(backupId, b -> b.getInt("volumes[0].bytesDone") == 10 * MIB && b.getString("sourceCluster") != null
                && b.getList("volumes").size() == 2);
        assertThat(backup.getString("namespace")).isEqualTo("shop-m");
        assertThat(backup.getString("sourceCluster")).isEqualTo("aks-source");
        assertThat(backup.getInt("volumeCount")).isEqualTo(2);
        assertThat(backup.getBoolean("finished")).isFalse();
        assertThat(backup.getString("volumes[0].pvcName")).isEqualTo("orders-db");
        assertThat(backup.getString("volumes[0].state")).isEqualTo("MOVING");
        assertThat(backup.getLong("volumes[0].bytesTotal")).isEqualTo(40 * MIB);
        assertThat(backup.getInt("volumes[0].percent")).isEqualTo(25);
        assertThat(backup.getLong("volumes[0].bytesPerSecond")).as("10 MiB in 2 s").isEqualTo(5 * MIB);
        assertThat(backup.getLong("volumes[0].etaSeconds")).as("30 MiB left at 5 MiB/s").isEqualTo(6);
        assertThat(backup.getString("volumes[1].state")).isEqualTo("TAKEN");
        assertThat((Object) backup.get("percent")).as("the backup's percent before every volume's total is known").isNull();

        // The first volume arrives; the second fails. A late progress report does not move a volume back.
        send(EXPORTER, exported(backupId, db, 40 * MIB, takenAt.plusSeconds(9)));
        send(EXPORTER, progressed(backupId, db, 30 * MIB, 40 * MIB, null, takenAt.plusSeconds(8)));
        send(EXPORTER, RegionB.recreated(backupId, "shop-m", "hourly", "orders-db", 0, 2, RegionB.snapshot(61).snapshotId(), takenAt));
        send(EXPORTER, StepFailed.ofVolume(new SnapshotTaken(FerryEvent.SCHEMA_VERSION, backupId, "corr", files), Map.of(), Step.EXPORT,
                "OperationNotAllowed", "the snapshot's access could not be granted", false, 3, takenAt.plusSeconds(10)));

        backup = awaitBackup(backupId, b -> b.getBoolean("finished"));
        assertThat(backup.getString("volumes[0].state")).isEqualTo("IN_REGION_B");
        assertThat(backup.getString("volumes[1].state")).isEqualTo("FAILED");
        assertThat(backup.getString("volumes[1].failure")).isEqualTo("export: OperationNotAllowed: the snapshot's access could not be granted");

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/v1/failures").then().statusCode(200)
                .body("find { it.backupId == '" + backupId + "' }.pvcName", equalTo("orders-files"))
                .body("find { it.backupId == '" + backupId + "' }.step", equalTo("export"))
                .body("find { it.backupId == '" + backupId + "' }.namespace", equalTo("shop-m"))
                .body("find { it.backupId == '" + backupId + "' }.attempts", equalTo(3)));
    }

    @Test
    void aCallerSeesOnlyTheNamespacesWhoseRestorePointsItMayList() {
        KubeCluster dr = LocalCloudTestResource.cloud().drCluster();
        dr.client().rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("progress-it-viewer").endMetadata()
                .addNewRule().withApiGroups("ferry.dev").withResources("restorepoints").withVerbs("list", "get").endRule().build())
                .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        dr.bind(VIEWER, "progress-it-viewer", "shop-v");
        String seen = newId();
        String hidden = newId();
        Instant takenAt = Instant.now();
        VolumeBackup mine = RegionB.volume("shop-v", "manual", "data", 0, 1, takenAt);
        VolumeBackup theirs = RegionB.volume("ledger-v", "manual", "data", 0, 1, takenAt);
        send(SNAPSHOTTER, new SnapshotTaken(FerryEvent.SCHEMA_VERSION, seen, "corr", mine));
        send(SNAPSHOTTER, new SnapshotTaken(FerryEvent.SCHEMA_VERSION, hidden, "corr", theirs));
        send(EXPORTER, StepFailed.ofVolume(new SnapshotTaken(FerryEvent.SCHEMA_VERSION, hidden, "corr", theirs), Map.of(), Step.EXPORT,
                "Boom", "failed", true, 1, takenAt));
        awaitBackup(hidden, b -> b.getBoolean("finished"));
        awaitBackup(seen, b -> true);

        String token = dr.identities().issueUser(VIEWER, List.of(), Duration.ofMinutes(5));
        RestAssured.requestSpecification = null;
        given().header("Authorization", "Bearer " + token).get("/api/v1/transfers").then().statusCode(200)
                .body("backupId", hasItem(seen)).body("backupId", not(hasItem(hidden)));
        given().header("Authorization", "Bearer " + token).get("/api/v1/failures").then().statusCode(200)
                .body("backupId", not(hasItem(hidden)));
        given().get("/api/v1/transfers").then().statusCode(401);
    }

    private static JsonPath awaitBackup(String backupId, java.util.function.Predicate<JsonPath> until) {
        JsonPath[] found = new JsonPath[1];
        await().atMost(WAIT).until(() -> {
            List<Map<String, Object>> all = given().get("/api/v1/transfers").then().statusCode(200).extract().jsonPath().getList("");
            for (Map<String, Object> backup : all) {
                if (backupId.equals(backup.get("backupId"))) {
                    found[0] = new JsonPath(EventJson.mapper().writeValueAsString(backup));
                    return until.test(found[0]);
                }
            }
            return false;
        });
        return found[0];
    }

    private static TransferProgressed progressed(String backupId, VolumeBackup volume, long done, long total, String waitingFor, Instant at) {
        return new TransferProgressed(FerryEvent.SCHEMA_VERSION, backupId, "corr", volume.namespace(), volume.pvc().name(),
                volume.source().diskId(), volume.source().snapshotId(), "streaming", done, total, waitingFor, at);
    }

    private static VhdExported exported(String backupId, VolumeBackup volume, long moved, Instant at) {
        return new VhdExported(FerryEvent.SCHEMA_VERSION, backupId, "corr", volume,
                new VhdBlob("https://" + LocalCloud.DR_STAGING_ACCOUNT + ".blob.core.windows.net/vhds/" + backupId + ".vhd",
                        volume.target().stagingStorageAccountId(), "vhds", backupId + ".vhd", RegionB.DISK_BYTES + 512),
                TransferStats.full("streaming", moved, moved, RegionB.DISK_BYTES, 5000, at.minusSeconds(5), at));
    }

    private static void send(EventSource source, FerryEvent event) {
        EventEnvelope envelope = EventEnvelope.of(event, source, Clock.systemUTC());
        kafka().send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.write(event));
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }
}
