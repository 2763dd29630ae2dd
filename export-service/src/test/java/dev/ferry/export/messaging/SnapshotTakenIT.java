package dev.ferry.export.messaging;

import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.events.DrTarget;
import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.PvcSpec;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.StepFailed;
import dev.ferry.events.Topics;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VhdExported;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azure.compute.Disk;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.azure.compute.SparseContent;
import dev.ferry.localcloud.kafka.TopicProbe;
import dev.ferry.support.messaging.DeadLetters;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The export service as other services see it: SnapshotTaken on the real broker in, a VHD in the
 * region-B staging account (behind the storage front) and VhdExported out; refusals and dead letters.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true)
class SnapshotTakenIT {

    @Inject
    MeterRegistry metrics;

    private static final long DISK_BYTES = 1L << 30;
    private static final Duration WAIT = Duration.ofSeconds(90);


    @Test
    void aSnapshotBecomesAVhdInRegionBAndVhdExportedSaysSo() {
        Snapshot source = sourceSnapshot(21, LocalCloud.SOURCE_NODE_GROUP);
        SnapshotTaken taken = taken(source, TransferStrategy.VHD_FULL);
        send(taken);

        VhdExported exported = EventJson.read(await(Topics.VHD_EXPORTED, taken.backupId()).value(), VhdExported.class);

        assertThat(exported.volume()).isEqualTo(taken.volume());
        assertThat(exported.vhd().url()).startsWith(cloud().storage().blobEndpoint(LocalCloud.DR_STAGING_ACCOUNT)).doesNotContain("?");
        assertThat(exported.vhd().sizeBytes()).isEqualTo(DISK_BYTES + 512);
        assertThat(exported.transfer().engine()).isEqualTo("streaming");
        assertThat(exported.transfer().bytesTotal()).isEqualTo(DISK_BYTES);
        long written = source.content().writtenBytes();
        assertThat(exported.transfer().bytesMoved()).isGreaterThanOrEqualTo(written).isLessThanOrEqualTo(written + 3L * (4 << 20));
        PageBlobClient vhd = new BlobServiceClientBuilder()
                .connectionString(cloud().storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT)).buildClient()
                .getBlobContainerClient(exported.vhd().container()).getBlobClient(exported.vhd().blobName()).getPageBlobClient();
        for (SparseContent.Range range : source.content().writtenRanges(0, DISK_BYTES)) {
            assertThat(download(vhd, range.start(), range.length())).isEqualTo(source.content().read(range.start(), (int) range.length()));
        }
        assertThat(new String(download(vhd, DISK_BYTES, 8), StandardCharsets.US_ASCII)).isEqualTo("conectix");
        assertThat(cloud().azure().compute().activeGrant(source.key())).as("the SAS is revoked").isEmpty();
    }

    @Test
    void aSnapshotOutsideTheAllowedResourceGroupsIsRefusedBeforeAnyAzureCall() {
        cloud().azure().compute().createResourceGroup(LocalCloud.SUBSCRIPTION_ID, "other-team-eastus", LocalCloud.SOURCE_REGION);
        Snapshot source = sourceSnapshot(22, "other-team-eastus");
        Faults faults = cloud().azure().faults();
        int before = faults.served(Faults.Kind.ARM_READ) + faults.served(Faults.Kind.ARM_WRITE) + faults.served(Faults.Kind.GRANT_ACCESS);
        faults.inject(Faults.Kind.ARM_READ, Faults.Fault.latency(Duration.ofMillis(1)), 100)
                .inject(Faults.Kind.ARM_WRITE, Faults.Fault.latency(Duration.ofMillis(1)), 100)
                .inject(Faults.Kind.GRANT_ACCESS, Faults.Fault.latency(Duration.ofMillis(1)), 100);
        try {
            SnapshotTaken taken = taken(source, TransferStrategy.VHD_FULL);
            send(taken);

            StepFailed failed = EventJson.read(await(Topics.STEP_FAILED, taken.backupId()).value(), StepFailed.class);

            assertThat(failed.errorCode()).isEqualTo("SourceResourceGroupNotAllowed");
            assertThat(failed.step()).hasToString("EXPORT");
            assertThat(failed.retryable()).isFalse();
            assertThat(faults.served(Faults.Kind.ARM_READ) + faults.served(Faults.Kind.ARM_WRITE)
                    + faults.served(Faults.Kind.GRANT_ACCESS)).isEqualTo(before);
        } finally {
            faults.clear();
        }
    }

    @Test
    void anIncrementalEventWhoseBaseIsOutsideTheAllowedResourceGroupsIsRefusedBeforeAnyAzureCall() {
        Snapshot source = sourceSnapshot(24, LocalCloud.SOURCE_NODE_GROUP);
        SnapshotTaken honest = taken(source, TransferStrategy.VHD_INCREMENTAL);
        SourceSnapshot own = honest.volume().source();
        // A base in another team's resource group: a diff against it would read that team's disk.
        ArmResourceId foreignBase = ArmResourceId.parse("/subscriptions/" + LocalCloud.SUBSCRIPTION_ID
                + "/resourceGroups/other-team-eastus/providers/Microsoft.Compute/snapshots/their-snapshot");
        VolumeBackup hostileVolume = new VolumeBackup("manual", "aks-source", "shop", honest.volume().pvc(), 0, 1,
                new SourceSnapshot(own.snapshotId(), own.diskId(), own.region(), own.sizeBytes(), true, foreignBase),
                honest.volume().target(), TransferStrategy.VHD_INCREMENTAL, null, Instant.now());
        SnapshotTaken hostile = new SnapshotTaken(FerryEvent.SCHEMA_VERSION, honest.backupId(), honest.correlationId(),
                hostileVolume);
        Faults faults = cloud().azure().faults();
        int before = faults.served(Faults.Kind.ARM_READ) + faults.served(Faults.Kind.ARM_WRITE) + faults.served(Faults.Kind.GRANT_ACCESS);
        faults.inject(Faults.Kind.ARM_READ, Faults.Fault.latency(Duration.ofMillis(1)), 100)
                .inject(Faults.Kind.ARM_WRITE, Faults.Fault.latency(Duration.ofMillis(1)), 100)
                .inject(Faults.Kind.GRANT_ACCESS, Faults.Fault.latency(Duration.ofMillis(1)), 100);
        try {
            send(hostile);

            StepFailed failed = EventJson.read(await(Topics.STEP_FAILED, hostile.backupId()).value(), StepFailed.class);

            assertThat(failed.errorCode()).isEqualTo("SourceResourceGroupNotAllowed");
            assertThat(failed.reason()).contains("Base snapshots");
            assertThat(faults.served(Faults.Kind.ARM_READ) + faults.served(Faults.Kind.ARM_WRITE)
                    + faults.served(Faults.Kind.GRANT_ACCESS)).isEqualTo(before);
        } finally {
            faults.clear();
        }
    }

    @Test
    void anIncrementalSnapshotBecomesAVhdInRegionBAndVhdExportedSaysItWasAFullCopyAndWhy() {
        SnapshotTaken taken = taken(sourceSnapshot(25, LocalCloud.SOURCE_NODE_GROUP), TransferStrategy.VHD_INCREMENTAL);
        send(taken);

        VhdExported exported = EventJson.read(await(Topics.VHD_EXPORTED, taken.backupId()).value(), VhdExported.class);

        assertThat(exported.transfer().mode()).isEqualTo("full");
        assertThat(exported.transfer().fullCopyReason()).isEqualTo("no-previous-snapshot");
        assertThat(exported.transfer().bytesChanged()).isPositive();
        // The transfer fed the disk's replica, which import-service imports in place.
        assertThat(exported.vhd().container()).isEqualTo("replicas");
        assertThat(exported.vhd().blobName()).isEqualTo(
                dev.ferry.export.StagingBlobName.replicaOf(taken.volume().source().diskId()).blobName());
    }

    @Test
    void anAzureErrorLongerThanTheContractAllowsIsAStepFailureNotADeadLetter() {
        Snapshot source = sourceSnapshot(26, LocalCloud.SOURCE_NODE_GROUP);
        SnapshotTaken taken = taken(source, TransferStrategy.VHD_FULL);
        // A refusal (409, not retried) whose error code alone is longer than a StepFailed may carry.
        String longCode = "OperationNotAllowed" + "x".repeat(StepFailed.MAX_REASON + 100);
        cloud().azure().faults().inject(Faults.Kind.GRANT_ACCESS, new Faults.Fault(409, longCode, null, Duration.ZERO), 10);
        try {
            send(taken);

            StepFailed failed = EventJson.read(await(Topics.STEP_FAILED, taken.backupId()).value(), StepFailed.class);

            assertThat(failed.errorCode()).startsWith("OperationNotAllowed").hasSizeLessThanOrEqualTo(StepFailed.MAX_REASON);
            assertThat(failed.reason()).hasSizeLessThanOrEqualTo(StepFailed.MAX_REASON);
            assertThat(failed.volume()).isEqualTo(taken.volume());
            assertThat(kafka().read(Topics.dlq(Topics.SNAPSHOT_TAKEN), r -> r.text().contains(taken.backupId()), 1,
                    Duration.ofSeconds(3))).as("the valid SnapshotTaken is not dead-lettered").isEmpty();
        } finally {
            cloud().azure().faults().clear();
        }
    }

    @Test
    void aMalformedEventGoesToTheDeadLetterTopic() {
        String marker = "malformed-" + UUID.randomUUID();
        kafka().send(Topics.SNAPSHOT_TAKEN, marker, Map.of("ce_type", EventType.SNAPSHOT_TAKEN.type()),
                "{\"schemaVersion\":1,".getBytes(StandardCharsets.UTF_8));

        List<TopicProbe.Received> dead = kafka().read(Topics.dlq(Topics.SNAPSHOT_TAKEN), r -> marker.equals(r.key()), 1, WAIT);

        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).headers().get("dead-letter-reason")).contains("not well-formed JSON");
        assertThat(dead.get(0).headers()).containsEntry(DeadLetters.REASON_HEADER, "invalid-event");
        assertThat(metrics.counter(DeadLetters.METRIC, "topic", Topics.SNAPSHOT_TAKEN, "reason", "invalid-event").count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void anEventOfAnotherTypeOnTheTopicIsDeadLetteredAsTheWrongType() {
        String marker = "wrong-type-" + UUID.randomUUID();
        kafka().send(Topics.SNAPSHOT_TAKEN, marker, Map.of("ce_type", EventType.RESTORE_REQUESTED.type()),
                "{}".getBytes(StandardCharsets.UTF_8));

        List<TopicProbe.Received> dead = kafka().read(Topics.dlq(Topics.SNAPSHOT_TAKEN), r -> marker.equals(r.key()), 1, WAIT);

        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).headers()).containsEntry(DeadLetters.REASON_HEADER, "wrong-type")
                .containsEntry("dead-letter-topic", Topics.SNAPSHOT_TAKEN);
        assertThat(metrics.counter(DeadLetters.METRIC, "topic", Topics.SNAPSHOT_TAKEN, "reason", "wrong-type").count())
                .isGreaterThanOrEqualTo(1);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static LocalCloud cloud() {
        return LocalCloudTestResource.cloud();
    }

    /** An incremental snapshot of a sparse source disk, as the CSI driver makes it. */
    private static Snapshot sourceSnapshot(long seed, String group) {
        var compute = cloud().azure().compute();
        String name = "pvc-" + UUID.randomUUID();
        Disk disk = compute.createEmptyDisk(ResourceKey.disk(LocalCloud.SUBSCRIPTION_ID, group, name), LocalCloud.SOURCE_REGION,
                DISK_BYTES, Map.of());
        Random random = new Random(seed);
        for (int i = 0; i < 6; i++) {
            byte[] data = new byte[(1 + random.nextInt(256)) * 512];
            random.nextBytes(data);
            disk.content().write((long) random.nextInt(1 << 21) * 512, data);
        }
        Snapshot snapshot = compute.copyDisk(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, group, "snapshot-" + name),
                LocalCloud.SOURCE_REGION, disk.id(), true, Map.of(), "Standard_LRS");
        compute.provisioned(snapshot);
        return snapshot;
    }

    private static SnapshotTaken taken(Snapshot source, TransferStrategy strategy) {
        String pvcUid = UUID.randomUUID().toString();
        PvcSpec pvc = new PvcSpec("orders-db", pvcUid, "managed-csi", List.of("ReadWriteOnce"), "Filesystem", DISK_BYTES, DISK_BYTES, Map.of());
        DrTarget target = new DrTarget(LocalCloud.DR_REGION, LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP,
                ArmResourceId.parse(cloud().drStagingAccount().id()));
        VolumeBackup volume = new VolumeBackup("manual", "aks-source", "shop", pvc, 0, 1,
                new SourceSnapshot(ArmResourceId.parse(source.id()), ArmResourceId.parse(source.sourceResourceId()),
                        LocalCloud.SOURCE_REGION, DISK_BYTES, true, null), target, strategy, null, Instant.now());
        String backupId = UUID.randomUUID().toString();
        return new SnapshotTaken(FerryEvent.SCHEMA_VERSION, backupId, "corr-" + backupId, volume);
    }

    private static void send(SnapshotTaken taken) {
        SourceClusterEvents.send(taken);
    }

    private static TopicProbe.Received await(String topic, String backupId) {
        return SourceClusterEvents.await(topic, backupId, WAIT);
    }

    private static byte[] download(PageBlobClient blob, long offset, long count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        blob.downloadStreamWithResponse(out, new BlobRange(offset, count), null, null, false, null, null);
        return out.toByteArray();
    }
}
