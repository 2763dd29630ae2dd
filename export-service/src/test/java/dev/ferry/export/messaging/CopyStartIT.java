package dev.ferry.export.messaging;

import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.CopySpeed;
import dev.ferry.events.DrTarget;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.PvcSpec;
import dev.ferry.events.RegionSnapshotNames;
import dev.ferry.events.RegionSnapshotTags;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.StepFailed;
import dev.ferry.events.Topics;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.azure.ArmRequestLog;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.Disk;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.azure.compute.SparseContent;
import dev.ferry.localcloud.kafka.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The copy-start strategy as other services see it: SnapshotTaken on the real broker in, Azure's own
 * cross-region copy in the fake (driven through the Compute SDK), progress and SnapshotRecreated
 * out, and no VHD, no grant and no import on the way.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CopyStartIT {

    private static final long DISK_BYTES = 1L << 30;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long FAKE_DEFAULT_BANDWIDTH = 256L << 20;

    @AfterEach
    void restoreTheFake() {
        cloud().azure().computeApi().copyStartBandwidth(FAKE_DEFAULT_BANDWIDTH);
        cloud().azure().faults().clear();
        cloud().azure().armWriteBudget(200_000, Duration.ofSeconds(20));
        cloud().azure().compute().copyStartLimit(ComputeState.COPY_START_LIMIT);
        cloud().azure().computeApi().computeRateLimitsReportedOnly();
    }

    /**
     * First of the class: the service takes a Compute window's size as the most it has seen left of it, and the
     * other tests' answers would show it the fake's default of 1000 (a safe error: it would pace sooner).
     */
    @Test
    @Order(1)
    void aComputeWindowRunningLowSpacesTheCopiesBeforeComputeRefusesOne() {
        // A CreateUpdateDisks window of 20 writes over 3 minutes: a fifth of it (4) is where pacing begins, and
        // with 3 left the copies' PUTs are spaced by a quarter of twice the refill interval (9 s): 4.5 s.
        cloud().azure().computeApi().computeRateLimits(20, 1000);
        Instant since = Instant.now();
        List<SnapshotTaken> first = copies(17, 60);
        first.forEach(t -> await(Topics.SNAPSHOT_RECREATED, t.backupId()));

        List<SnapshotTaken> last = copies(2, 80);
        last.forEach(t -> await(Topics.SNAPSHOT_RECREATED, t.backupId()));

        List<ArmRequestLog.ArmRequest> writes = cloud().azure().armRequests().stream()
                .filter(r -> !r.arrived().isBefore(since) && r.method().equals("PUT") && r.path().contains("/snapshots/ferry-"))
                .toList();
        assertThat(writes).as("one PUT per copy, none refused").hasSize(19).allSatisfy(r -> assertThat(r.status()).isLessThan(300));
        ArmRequestLog.ArmRequest secondLast = writes.get(17);
        ArmRequestLog.ArmRequest lastWrite = writes.get(18);
        // Sent together, unpaced they would arrive within milliseconds of each other.
        assertThat(Duration.between(secondLast.arrived(), lastWrite.arrived())).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
        assertThat(metric("ferry_azure_arm_remaining{bucket=\"Microsoft.Compute/CreateUpdateDisks3Min\"")).isBetween(1.0, 3.0);
    }

    /** Sends a SnapshotTaken for each of {@code count} new disks at once. */
    private static List<SnapshotTaken> copies(int count, long seed) {
        List<SnapshotTaken> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Disk disk = disk(seed + i);
            SnapshotTaken taken = taken(disk, snapshotOf(disk), null);
            send(taken);
            sent.add(taken);
        }
        return sent;
    }

    @Test
    void aTinyArmWriteBudgetSlowsTheCopiesButFailsNoneAndEveryRetryAfterIsHonoured() {
        // A bucket of 3 writes refilled at one a second: the six copies' PUTs cannot all go at once.
        cloud().azure().armWriteBudget(3, Duration.ofSeconds(3));
        Instant since = Instant.now();
        List<SnapshotTaken> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Disk disk = disk(40 + i);
            SnapshotTaken taken = taken(disk, snapshotOf(disk), null);
            send(taken);
            sent.add(taken);
        }

        for (SnapshotTaken taken : sent) {
            await(Topics.SNAPSHOT_RECREATED, taken.backupId());
        }

        assertThat(kafka().read(Topics.STEP_FAILED, r -> sent.stream().anyMatch(t -> r.text().contains(t.backupId())), 1,
                Duration.ofSeconds(1))).as("no copy fails for throttling").isEmpty();
        List<ArmRequestLog.ArmRequest> writes = cloud().azure().armRequests().stream()
                .filter(r -> !r.arrived().isBefore(since) && r.method().equals("PUT") && r.path().contains("/snapshots/ferry-"))
                .toList();
        List<ArmRequestLog.ArmRequest> throttled = writes.stream().filter(r -> r.status() == 429).toList();
        assertThat(throttled).as("the budget was spent at least once").isNotEmpty();
        for (ArmRequestLog.ArmRequest refused : throttled) {
            ArmRequestLog.ArmRequest retry = writes.stream().filter(r -> r.path().equals(refused.path()) && r.arrived().isAfter(refused.arrived()))
                    .findFirst().orElseThrow(() -> new AssertionError("no retry of " + refused.path()));
            assertThat(Duration.between(refused.arrived(), retry.arrived()))
                    .as("the retry of %s waits its Retry-After of %s s", refused.path(), refused.retryAfter())
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(Long.parseLong(refused.retryAfter())));
        }
        assertThat(writes.stream().filter(r -> r.status() < 300).count()).as("one accepted PUT per volume").isEqualTo(6);
        // With almost nothing left of the bucket Ferry spaces its writes itself (190-200 ms here), before Azure says 429.
        // Ferry spaces the moments it sends; the fake logs arrivals, and a write on a fresh connection arrives up to
        // some 50 ms after it was sent. Unpaced, these PUTs follow each other within a few milliseconds.
        for (int i = 1; i < writes.size(); i++) {
            assertThat(Duration.between(writes.get(i - 1).arrived(), writes.get(i).arrived()))
                    .as("the gap before write %d of %d", i + 1, writes.size()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        }
    }

    @Test
    void copiesBeyondTheRegionsLimitWaitForASlotInsteadOfFailing() {
        // Azure allows two copies in the region here; a slow copy keeps each slot for about a second.
        compute().copyStartLimit(2);
        cloud().azure().computeApi().copyStartBandwidth(256L << 10);
        List<SnapshotTaken> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Disk disk = disk(50 + i);
            SnapshotTaken taken = taken(disk, snapshotOf(disk), null);
            send(taken);
            sent.add(taken);
        }

        Awaitility.await().atMost(WAIT).until(() -> metric("ferry_export_copystart_copies{state=\"waiting\"") > 0);
        List<SnapshotRecreated> recreated = sent.stream()
                .map(t -> EventJson.read(await(Topics.SNAPSHOT_RECREATED, t.backupId()).value(), SnapshotRecreated.class)).toList();
        assertThat(metric("ferry_export_copystart_copies{state=\"waiting\"")).as("nothing waits any more").isZero();

        assertThat(recreated).hasSize(4);
        List<TransferProgressed> waited = kafka().read(Topics.TRANSFER_PROGRESSED, r -> r.text().contains("waitingFor")
                        && sent.stream().anyMatch(t -> r.text().contains(t.backupId())), 1, WAIT).stream()
                .map(r -> EventJson.read(r.value(), TransferProgressed.class)).toList();
        assertThat(waited).as("a backup that waits says why").isNotEmpty().allSatisfy(p -> {
            assertThat(p.waitingFor()).isEqualTo(TransferProgressed.WAITING_FOR_REGION_LIMIT);
            assertThat(p.bytesDone()).isZero();
        });
        assertThat(kafka().read(Topics.STEP_FAILED, r -> sent.stream().anyMatch(t -> r.text().contains(t.backupId())), 1,
                Duration.ofSeconds(1))).isEmpty();
        // Azure's side, from the fake's request log (the fake itself keeps the two slots, AzureFakeLimitsIT):
        // Ferry asked beyond the limit, was refused, waited, and each copy was accepted exactly once.
        List<ArmRequestLog.ArmRequest> puts = cloud().azure().armRequests().stream()
                .filter(r -> r.method().equals("PUT") && recreated.stream().anyMatch(c -> r.path().contains(c.targetSnapshotId().name())))
                .toList();
        for (SnapshotRecreated copy : recreated) {
            assertThat(puts.stream().filter(r -> r.path().contains(copy.targetSnapshotId().name()) && r.status() < 300))
                    .as("accepted CopyStart of %s", copy.targetSnapshotId().name()).hasSize(1);
        }
        List<ArmRequestLog.ArmRequest> refused = puts.stream().filter(r -> r.status() == 409).toList();
        assertThat(refused).as("CopyStarts Azure refused for its limit").isNotEmpty();
        assertThat(refused).allSatisfy(r -> assertThat(puts.stream()
                .filter(a -> a.path().equals(r.path()) && a.status() < 300 && a.arrived().isAfter(r.arrived())))
                .as("%s accepted after it waited", r.path()).hasSize(1));
    }

    @Test
    void azureCopiesTheSnapshotToRegionBWithOneArmWriteAndSnapshotRecreatedSaysSo() {
        // Slow enough that the copy is seen under way: about 1.5 s for the written bytes.
        Disk disk = disk(31);
        Snapshot source = snapshotOf(disk);
        cloud().azure().computeApi().copyStartBandwidth(Math.max(1, source.content().writtenBytes() * 2 / 3));
        Faults faults = countArmCalls();
        int writesBefore = faults.served(Faults.Kind.ARM_WRITE);
        double putsCountedBefore = armWritesCounted("snapshots/PUT");
        SnapshotTaken taken = taken(disk, source, null);
        send(taken);

        SnapshotRecreated recreated = EventJson.read(await(Topics.SNAPSHOT_RECREATED, taken.backupId()).value(), SnapshotRecreated.class);

        assertThat(armWritesCounted("snapshots/PUT") - putsCountedBefore).as("the service's own count of its ARM writes").isEqualTo(1);
        assertThat(recreated.method()).isEqualTo("copy-start");
        assertThat(recreated.importDurationMillis()).isNull();
        assertThat(recreated.volume()).isEqualTo(taken.volume());
        assertThat(recreated.targetSnapshotId().name()).isEqualTo(RegionSnapshotNames.of(taken.backupId(), taken.volume().pvc().uid()));
        assertThat(recreated.targetSnapshotId().resourceGroup()).isEqualToIgnoringCase(LocalCloud.DR_GROUP);
        assertThat(recreated.transfer().engine()).isEqualTo("copy-start");
        assertThat(recreated.transfer().mode()).isEqualTo("full");
        assertThat(recreated.transfer().fullCopyReason()).isEqualTo("no-previous-snapshot");
        assertThat(recreated.transfer().bytesMoved()).isZero();
        assertThat(recreated.transfer().durationMillis()).isGreaterThan(500);
        Snapshot copy = compute().snapshot(ResourceKey.parse(recreated.targetSnapshotId().toString())).orElseThrow();
        assertThat(copy.region()).isEqualTo(LocalCloud.DR_REGION);
        assertThat(copy.createOption()).isEqualTo("CopyStart");
        assertThat(copy.tags()).containsEntry(RegionSnapshotTags.BACKUP_ID, taken.backupId())
                .containsEntry(RegionSnapshotTags.PVC_UID, taken.volume().pvc().uid())
                .containsEntry(RegionSnapshotTags.CREATED_BY, "export-service");
        assertSameBytes(copy.content(), source.content());
        assertThat(faults.served(Faults.Kind.ARM_WRITE) - writesBefore).as("ARM writes for the volume").isEqualTo(1);
        assertThat(faults.served(Faults.Kind.GRANT_ACCESS)).as("no SAS is granted").isZero();
        List<TransferProgressed> progress = kafka().read(Topics.TRANSFER_PROGRESSED, r -> r.text().contains(taken.backupId()), 2, WAIT)
                .stream().map(r -> EventJson.read(r.value(), TransferProgressed.class)).toList();
        assertThat(progress).allSatisfy(p -> {
            assertThat(p.engine()).isEqualTo("copy-start");
            assertThat(p.bytesTotal()).isEqualTo(DISK_BYTES);
        });
        assertThat(progress).anySatisfy(p -> assertThat(p.bytesDone()).isLessThan(DISK_BYTES));
    }

    @Test
    void theCopySpeedTheBackupAsksForIsTheOneAzureIsAskedFor() {
        Disk fast = disk(33);
        Disk plain = disk(34);
        SnapshotTaken enhanced = taken(fast, snapshotOf(fast), null, CopySpeed.ENHANCED);
        SnapshotTaken standard = taken(plain, snapshotOf(plain), null, CopySpeed.STANDARD);
        send(enhanced);
        send(standard);

        SnapshotRecreated fastCopy = EventJson.read(await(Topics.SNAPSHOT_RECREATED, enhanced.backupId()).value(), SnapshotRecreated.class);
        SnapshotRecreated plainCopy = EventJson.read(await(Topics.SNAPSHOT_RECREATED, standard.backupId()).value(), SnapshotRecreated.class);

        assertThat(compute().snapshot(ResourceKey.parse(fastCopy.targetSnapshotId().toString())).orElseThrow().copySpeed())
                .isEqualTo("Enhanced");
        assertThat(compute().snapshot(ResourceKey.parse(plainCopy.targetSnapshotId().toString())).orElseThrow().enhancedCopy()).isFalse();
        assertThat(fastCopy.volume().copySpeed()).isEqualTo(CopySpeed.ENHANCED);
    }

    @Test
    void theNextBackupOfTheDiskIsADiffFromTheCopyOfThePreviousSnapshot() {
        Disk disk = disk(32);
        Snapshot first = snapshotOf(disk);
        SnapshotTaken firstTaken = taken(disk, first, null);
        send(firstTaken);
        await(Topics.SNAPSHOT_RECREATED, firstTaken.backupId());
        disk.content().write(4096, new byte[64 << 10]);
        Snapshot second = snapshotOf(disk);
        SnapshotTaken secondTaken = taken(disk, second, ArmResourceId.parse(first.id()));
        send(secondTaken);

        SnapshotRecreated recreated = EventJson.read(await(Topics.SNAPSHOT_RECREATED, secondTaken.backupId()).value(),
                SnapshotRecreated.class);

        assertThat(recreated.transfer().mode()).isEqualTo("diff");
        assertThat(recreated.transfer().baseSnapshotId()).isEqualTo(ArmResourceId.parse(first.id()));
        assertSameBytes(compute().snapshot(ResourceKey.parse(recreated.targetSnapshotId().toString())).orElseThrow().content(),
                second.content());
    }

    @Test
    void aFullSourceSnapshotIsRefusedClearlyWithoutAnyAzureWrite() {
        Disk disk = disk(33);
        Snapshot full = compute().copyDisk(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP,
                "full-" + disk.key().name()), LocalCloud.SOURCE_REGION, disk.id(), false, Map.of(), "Standard_LRS");
        compute().provisioned(full);
        Faults faults = countArmCalls();
        int writesBefore = faults.served(Faults.Kind.ARM_WRITE);
        SnapshotTaken honest = taken(disk, full, null);
        SourceSnapshot claimed = honest.volume().source();
        // The event says what the snapshot is; a full one is refused from the event alone.
        SnapshotTaken taken = withSource(honest, new SourceSnapshot(claimed.snapshotId(), claimed.diskId(), claimed.region(),
                claimed.sizeBytes(), false, null));
        send(taken);

        StepFailed failed = EventJson.read(await(Topics.STEP_FAILED, taken.backupId()).value(), StepFailed.class);

        assertThat(failed.errorCode()).isEqualTo("CopyStartNeedsIncrementalSnapshot");
        assertThat(failed.retryable()).isFalse();
        assertThat(faults.served(Faults.Kind.ARM_WRITE)).isEqualTo(writesBefore);
    }

    @Test
    void anEventThatCallsAFullSnapshotIncrementalIsRefusedByWhatAzureSays() {
        Disk disk = disk(34);
        Snapshot full = compute().copyDisk(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP,
                "full-" + disk.key().name()), LocalCloud.SOURCE_REGION, disk.id(), false, Map.of(), "Standard_LRS");
        compute().provisioned(full);
        SnapshotTaken honest = taken(disk, full, null);
        SourceSnapshot claimed = honest.volume().source();
        SnapshotTaken taken = withSource(honest, new SourceSnapshot(claimed.snapshotId(), claimed.diskId(), claimed.region(),
                claimed.sizeBytes(), true, null));
        send(taken);

        StepFailed failed = EventJson.read(await(Topics.STEP_FAILED, taken.backupId()).value(), StepFailed.class);

        // Nothing reads the source first: Azure's answer to the CopyStart is the refusal.
        assertThat(failed.errorCode()).isEqualTo("BadRequest");
        assertThat(failed.reason()).contains("incremental");
        assertThat(failed.retryable()).isFalse();
        assertThat(compute().snapshot(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP,
                RegionSnapshotNames.of(taken.backupId(), taken.volume().pvc().uid())))).isEmpty();
    }

    @Test
    void aSourceDeletedMidCopyFailsWithAzuresCodeAndLeavesNoRegionBSnapshot() {
        Disk disk = disk(35);
        Snapshot source = snapshotOf(disk);
        cloud().azure().computeApi().copyStartBandwidth(1024);
        SnapshotTaken taken = taken(disk, source, null);
        ResourceKey target = ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP,
                RegionSnapshotNames.of(taken.backupId(), taken.volume().pvc().uid()));
        send(taken);
        Awaitility.await().atMost(WAIT).until(() -> compute().snapshot(target).isPresent());

        compute().deleteSnapshot(source.key());
        StepFailed failed = EventJson.read(await(Topics.STEP_FAILED, taken.backupId()).value(), StepFailed.class);

        assertThat(failed.errorCode()).isEqualTo("CopySourceNotFound");
        assertThat(failed.retryable()).isFalse();
        assertThat(compute().snapshot(target)).as("the failed copy is deleted").isEmpty();
    }

    @Test
    void aRedeliveredEventFollowsTheCopyUnderWayInsteadOfStartingAnother() {
        Disk disk = disk(36);
        Snapshot source = snapshotOf(disk);
        SnapshotTaken taken = taken(disk, source, null);
        // Another replica started the copy and died: Azure goes on with it (here, as the test moves it).
        Snapshot underWay = compute().copyStart(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP,
                        RegionSnapshotNames.of(taken.backupId(), taken.volume().pvc().uid())), LocalCloud.DR_REGION, source.id(),
                RegionSnapshotTags.of(taken.backupId(), taken.volume(), RegionSnapshotTags.BY_COPY_START), "Standard_LRS");
        compute().provisioned(underWay);
        compute().advanceCopy(underWay, source.content().writtenBytes() / 2);
        Faults faults = countArmCalls();
        int writesBefore = faults.served(Faults.Kind.ARM_WRITE);
        send(taken);
        TransferProgressed followed = EventJson.read(await(Topics.TRANSFER_PROGRESSED, taken.backupId()).value(), TransferProgressed.class);
        assertThat(followed.bytesDone()).isEqualTo(DISK_BYTES / 2);
        compute().advanceCopy(underWay, source.content().writtenBytes());

        SnapshotRecreated recreated = EventJson.read(await(Topics.SNAPSHOT_RECREATED, taken.backupId()).value(), SnapshotRecreated.class);

        assertThat(recreated.targetSnapshotId().toString()).isEqualToIgnoringCase(underWay.id());
        assertThat(faults.served(Faults.Kind.ARM_WRITE)).as("no second copy is started").isEqualTo(writesBefore);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static LocalCloud cloud() {
        return LocalCloudTestResource.cloud();
    }

    private static ComputeState compute() {
        return cloud().azure().compute();
    }

    /** What the service's metric {@code ferry_azure_arm_writes_total} says for one operation. */
    private static double armWritesCounted(String operation) {
        return metric("ferry_azure_arm_writes_total{operation=\"" + operation + "\"");
    }

    /** The sum of the service's Prometheus lines that start with {@code prefix}. */
    private static double metric(String prefix) {
        return RestAssured.get("/q/metrics").asString().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Counts every ARM call from now on (a fault of no effect on each). */
    private static Faults countArmCalls() {
        return cloud().azure().faults().inject(Faults.Kind.ARM_READ, Faults.Fault.latency(Duration.ZERO), 1000)
                .inject(Faults.Kind.ARM_WRITE, Faults.Fault.latency(Duration.ZERO), 1000)
                .inject(Faults.Kind.GRANT_ACCESS, Faults.Fault.latency(Duration.ZERO), 1000);
    }

    /** A sparse source disk with a few written extents. */
    private static Disk disk(long seed) {
        String name = "pvc-" + UUID.randomUUID();
        Disk disk = compute().createEmptyDisk(ResourceKey.disk(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, name),
                LocalCloud.SOURCE_REGION, DISK_BYTES, Map.of());
        Random random = new Random(seed);
        for (int i = 0; i < 6; i++) {
            byte[] data = new byte[(1 + random.nextInt(256)) * 512];
            random.nextBytes(data);
            disk.content().write((long) random.nextInt(1 << 21) * 512, data);
        }
        return disk;
    }

    /** An incremental snapshot of the disk, as the CSI driver makes it. */
    private static Snapshot snapshotOf(Disk disk) {
        Snapshot snapshot = compute().copyDisk(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP,
                "snapshot-" + UUID.randomUUID()), LocalCloud.SOURCE_REGION, disk.id(), true, Map.of(), "Standard_LRS");
        compute().provisioned(snapshot);
        return snapshot;
    }

    private static SnapshotTaken taken(Disk disk, Snapshot source, ArmResourceId previous) {
        return taken(disk, source, previous, null);
    }

    private static SnapshotTaken taken(Disk disk, Snapshot source, ArmResourceId previous, CopySpeed speed) {
        String pvcUid = UUID.nameUUIDFromBytes(disk.id().getBytes(StandardCharsets.UTF_8)).toString();
        PvcSpec pvc = new PvcSpec("orders-db", pvcUid, "managed-csi", List.of("ReadWriteOnce"), "Filesystem", DISK_BYTES, DISK_BYTES, Map.of());
        DrTarget target = new DrTarget(LocalCloud.DR_REGION, LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP,
                ArmResourceId.parse(cloud().drStagingAccount().id()));
        VolumeBackup volume = new VolumeBackup("manual", "aks-source", "shop", pvc, 0, 1,
                new SourceSnapshot(ArmResourceId.parse(source.id()), ArmResourceId.parse(disk.id()), LocalCloud.SOURCE_REGION, DISK_BYTES,
                        source.incremental(), previous), target, TransferStrategy.COPY_START, speed, Instant.now());
        String backupId = UUID.randomUUID().toString();
        return new SnapshotTaken(FerryEvent.SCHEMA_VERSION, backupId, "corr-" + backupId, volume);
    }

    private static SnapshotTaken withSource(SnapshotTaken taken, SourceSnapshot source) {
        VolumeBackup v = taken.volume();
        return new SnapshotTaken(taken.schemaVersion(), taken.backupId(), taken.correlationId(), new VolumeBackup(v.policy(),
                v.sourceCluster(), v.namespace(), v.pvc(), v.volumeIndex(), v.volumeCount(), source, v.target(), v.strategy(), v.copySpeed(), v.takenAt()));
    }

    private static void send(SnapshotTaken taken) {
        SourceClusterEvents.send(taken);
    }

    private static TopicProbe.Received await(String topic, String backupId) {
        return SourceClusterEvents.await(topic, backupId, WAIT);
    }

    private static void assertSameBytes(SparseContent copy, SparseContent source) {
        assertThat(copy).isNotNull();
        assertThat(copy.writtenRanges(0, DISK_BYTES)).isEqualTo(source.writtenRanges(0, DISK_BYTES));
        for (SparseContent.Range range : source.writtenRanges(0, DISK_BYTES)) {
            assertThat(copy.read(range.start(), (int) range.length())).isEqualTo(source.read(range.start(), (int) range.length()));
        }
    }
}
