package dev.ferry.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.resourcemanager.compute.models.DiskState;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.azure.AzureSourceSnapshots;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ChunkScheduler;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.ProgressListener;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.ServerSideCopyEngine;
import dev.ferry.export.transfer.StreamingCopyEngine;
import dev.ferry.export.transfer.TransferCancelledException;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azure.compute.Disk;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.azure.compute.SparseContent;
import dev.ferry.support.step.StepRefused;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vhd-incremental export against the local stand-ins through the production adapters: the
 * Azure fake's snapshots, grants and page diff, the storage front and Azurite for the replica and
 * the backups' VHDs.
 */
class IncrementalExporterIT {

    private static final long GIB = ExportTestBed.GIB;
    private static final long MIB = ExportTestBed.MIB;
    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200));

    private static LocalCloud cloud;
    private static ExportTestBed bed;
    private static final AtomicInteger DISKS = new AtomicInteger();

    /** Every SAS granted, to try after the export. */
    private final List<SasUrl> granted = Collections.synchronizedList(new ArrayList<>());
    private final List<StagingBlob> blobsToDelete = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() {
        cloud = LocalCloud.start();
        bed = new ExportTestBed(cloud);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @AfterEach
    void cleanUp() {
        cloud.azure().faults().clear();
        blobsToDelete.forEach(StagingBlob::delete);
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void theFirstBackupIsAFullCopyAndTheNextMovesOnlyTheDiffWithClearedRangesBecomingZeros(CopyEngineKind engine) {
        Volume volume = new Volume(48 * MIB, 40);
        Snapshot first = volume.snapshot();

        ExportOutcome full = exporter().export(volume.request(first, null, engine), ProgressListener.NONE, new Cancellation());

        assertThat(full.delta().mode()).isEqualTo("full");
        assertThat(full.delta().fullCopyReason()).isEqualTo("no-previous-snapshot");
        assertThat(full.bytesMoved()).isGreaterThanOrEqualTo(first.content().writtenBytes());
        assertThat(full.vhdUrl()).isEqualTo(replicaOf(volume).url());
        assertExactCopy(replicaOf(volume), first);
        assertThat(replicaOf(volume).properties().orElseThrow().metadata())
                .containsEntry(IncrementalExporter.META_GENERATION, ExportTestBed.id(first).canonical())
                .doesNotContainKey(IncrementalExporter.META_PENDING);
        imported(volume);

        volume.change(100, 1024, 3);
        Snapshot second = volume.snapshot();
        SparseContent.Diff truth = second.content().diffSince(first.content(), 0, GIB);
        long changed = truth.changed().stream().mapToLong(SparseContent.Range::length).sum();
        assertThat(truth.cleared()).isNotEmpty();

        ExportOutcome diff = exporter().export(volume.request(second, first, engine), ProgressListener.NONE, new Cancellation());

        assertThat(diff.delta().mode()).isEqualTo("diff");
        assertThat(diff.delta().baseSnapshotId()).isEqualTo(ExportTestBed.id(first));
        assertThat(diff.bytesMoved()).isEqualTo(changed).isLessThanOrEqualTo(110L * 1024 * 11 / 10);
        assertExactCopy(replicaOf(volume), second);
        assertAllRevoked(first, second);
    }

    @Test
    void theNextWriteWaitsUntilTheImportHasReadTheGenerationSoNoImportSeesTwoGenerations() throws Exception {
        Volume volume = new Volume(16 * MIB, 8);
        Snapshot first = volume.snapshot();
        exporter().export(volume.request(first, null, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());
        // The data changes quickly: the next backup comes before the first one's import has run.
        volume.change(20, 4096, 1);
        Snapshot second = volume.snapshot();

        CompletableFuture<ExportOutcome> next = CompletableFuture.supplyAsync(() -> exporter().export(
                volume.request(second, first, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation()));
        Thread.sleep(1500);

        assertThat(next).as("the diff waits for the first generation's import").isNotDone();
        assertExactCopy(replicaOf(volume), first);
        imported(volume);
        ExportOutcome outcome = next.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(outcome.delta().mode()).isEqualTo("diff");
        assertExactCopy(replicaOf(volume), second);
    }

    @Test
    void aWriteWaitsAtMostImportWaitForTheImportThenGoesOn() {
        Volume volume = new Volume(8 * MIB, 4);
        Snapshot first = volume.snapshot();
        exporter().export(volume.request(first, null, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());
        volume.change(10, 1024, 1);
        Snapshot second = volume.snapshot();

        // The first generation is never marked imported (its import failed for good, say).
        ExportOutcome outcome = exporter(Duration.ofMillis(300)).export(volume.request(second, first, CopyEngineKind.STREAMING),
                ProgressListener.NONE, new Cancellation());

        assertThat(outcome.delta().mode()).isEqualTo("diff");
        assertExactCopy(replicaOf(volume), second);
    }

    @Test
    void aDiffOfAnotherSnapshotStoppedMidwayMakesTheNextBackupAFullCopy() {
        Volume volume = new Volume(16 * MIB, 8);
        Snapshot first = volume.snapshot();
        exporter().export(volume.request(first, null, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());
        imported(volume);
        volume.change(12, 1024 * 1024, 0);
        Snapshot abandoned = volume.snapshot();
        Cancellation cancellation = new Cancellation();
        ExportRequest request = volume.request(abandoned, first, CopyEngineKind.STREAMING);
        assertThatThrownBy(() -> exporter().export(new ExportRequest(request.strategy(), request.backupId(), request.pvcUid(),
                request.sourceSnapshotId(), request.diskSizeBytes(), request.engine(), 1, request.sasDuration(),
                request.sourceDiskId(), request.previousSnapshotId(), true), (done, total) -> {
                    if (done > 0) {
                        cancellation.cancel("test");
                    }
                }, cancellation)).isInstanceOf(TransferCancelledException.class);
        // Another backup picked the same base: the replica holds pages of the abandoned diff that its own does not touch.
        volume.change(5, 4096, 0);
        Snapshot next = volume.snapshot();

        ExportOutcome outcome = exporter().export(volume.request(next, first, CopyEngineKind.STREAMING), ProgressListener.NONE,
                new Cancellation());

        assertThat(outcome.delta().fullCopyReason()).isEqualTo("generation-mismatch");
        assertExactCopy(replicaOf(volume), next);
    }

    @Test
    void aRedeliveredEventFindsItsGenerationInTheReplicaAndMovesNothing() {
        Volume volume = new Volume(8 * MIB, 4);
        Snapshot first = volume.snapshot();
        exporter().export(volume.request(first, null, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());
        imported(volume);
        volume.change(10, 1024, 1);
        Snapshot second = volume.snapshot();
        ExportOutcome diff = exporter().export(volume.request(second, first, CopyEngineKind.STREAMING), ProgressListener.NONE,
                new Cancellation());

        ExportOutcome again = exporter().export(volume.request(second, first, CopyEngineKind.STREAMING), ProgressListener.NONE,
                new Cancellation());

        assertThat(again.bytesMoved()).isZero();
        assertThat(again.delta()).isEqualTo(diff.delta());
        assertExactCopy(replicaOf(volume), second);
    }

    @Test
    void aBaseSnapshotThatIsGoneFallsBackToAFullCopyThatSaysSo() {
        Volume volume = new Volume(8 * MIB, 4);
        Snapshot first = volume.snapshot();
        exporter().export(volume.request(first, null, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());
        imported(volume);
        volume.change(10, 1024, 1);
        Snapshot second = volume.snapshot();
        assertThat(cloud.azure().compute().deleteSnapshot(first.key())).isTrue();

        ExportOutcome outcome = exporter().export(volume.request(second, first, CopyEngineKind.STREAMING),
                ProgressListener.NONE, new Cancellation());

        assertThat(outcome.delta().mode()).isEqualTo("full");
        assertThat(outcome.delta().fullCopyReason()).isEqualTo("base-snapshot-gone");
        assertExactCopy(replicaOf(volume), second);
    }

    @Test
    void aReplicaHoldingAnotherGenerationIsReplacedByAFullCopy() {
        Volume volume = new Volume(8 * MIB, 4);
        Snapshot first = volume.snapshot();
        exporter().export(volume.request(first, null, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());
        imported(volume);
        volume.change(10, 1024, 1);
        Snapshot skipped = volume.snapshot();
        volume.change(10, 1024, 1);
        Snapshot third = volume.snapshot();

        // The second backup never reached region B: the replica still holds the first.
        ExportOutcome outcome = exporter().export(volume.request(third, skipped, CopyEngineKind.SERVER_SIDE),
                ProgressListener.NONE, new Cancellation());

        assertThat(outcome.delta().fullCopyReason()).isEqualTo("generation-mismatch");
        assertExactCopy(replicaOf(volume), third);
    }

    @Test
    void aReplicaOfAnotherSizeMeansTheDiskWasResizedAndIsCopiedInFull() {
        Volume volume = new Volume(8 * MIB, 4);
        Snapshot first = volume.snapshot();
        volume.change(10, 1024, 1);
        Snapshot second = volume.snapshot();
        // As if the disk had been half the size when the replica was made from the first snapshot.
        StagingBlob replica = replicaOf(volume);
        replica.createIfAbsent(GIB / 2 + 512, Map.of());
        replica.setMetadata(Map.of(IncrementalExporter.META_GENERATION, ExportTestBed.id(first).canonical(),
                IncrementalExporter.META_IMPORTED, ExportTestBed.id(first).canonical()));

        ExportOutcome outcome = exporter().export(volume.request(second, first, CopyEngineKind.STREAMING),
                ProgressListener.NONE, new Cancellation());

        assertThat(outcome.delta().fullCopyReason()).isEqualTo("disk-resized");
        assertThat(replica.properties().orElseThrow().length()).isEqualTo(GIB + 512);
        assertExactCopy(replica, second);
    }

    @Test
    void aDiffStoppedMidwayKeepsTheOldGenerationAndTheNextAttemptRepeatsItExactly() {
        Volume volume = new Volume(32 * MIB, 16);
        Snapshot first = volume.snapshot();
        exporter().export(volume.request(first, null, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());
        imported(volume);
        volume.change(12, 3 * (int) MIB, 0);
        Snapshot second = volume.snapshot();
        Cancellation cancellation = new Cancellation();
        ExportRequest request = volume.request(second, first, CopyEngineKind.STREAMING);
        ExportRequest oneAtATime = new ExportRequest(request.strategy(), request.backupId(), request.pvcUid(),
                request.sourceSnapshotId(), request.diskSizeBytes(), request.engine(), 1, request.sasDuration(),
                request.sourceDiskId(), request.previousSnapshotId(), true);

        assertThatThrownBy(() -> exporter().export(oneAtATime, (done, total) -> {
            if (done > 0) {
                cancellation.cancel("test");
            }
        }, cancellation)).isInstanceOf(TransferCancelledException.class);

        Map<String, String> metadata = replicaOf(volume).properties().orElseThrow().metadata();
        assertThat(metadata).containsEntry(IncrementalExporter.META_GENERATION, ExportTestBed.id(first).canonical())
                .containsEntry(IncrementalExporter.META_PENDING, ExportTestBed.id(second).canonical());
        assertAllRevoked(first, second);

        ExportOutcome again = exporter().export(request, ProgressListener.NONE, new Cancellation());

        assertThat(again.delta().mode()).isEqualTo("diff");
        assertExactCopy(replicaOf(volume), second);
    }

    @Test
    void bothGrantsAreRevokedWhenTheDiffFails() {
        Volume volume = new Volume(8 * MIB, 4);
        Snapshot first = volume.snapshot();
        exporter().export(volume.request(first, null, CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());
        imported(volume);
        volume.change(10, 1024, 1);
        Snapshot second = volume.snapshot();
        granted.clear();
        cloud.azure().faults().inject(Faults.Kind.PAGE_RANGES, Faults.Fault.internalError(), 20);

        assertThatThrownBy(() -> exporter().export(volume.request(second, first, CopyEngineKind.STREAMING),
                ProgressListener.NONE, new Cancellation())).isInstanceOf(StorageCallFailed.class);

        assertThat(granted).hasSize(2);
        assertAllRevoked(first, second);
        assertThat(replicaOf(volume).properties().orElseThrow().metadata())
                .containsEntry(IncrementalExporter.META_GENERATION, ExportTestBed.id(first).canonical());
    }

    @Test
    void twoDisksOfOneBackupExportTheirDiffsInParallel() {
        Volume a = new Volume(16 * MIB, 8);
        Volume b = new Volume(16 * MIB, 8);
        Snapshot a1 = a.snapshot();
        Snapshot b1 = b.snapshot();
        IncrementalExporter exporter = exporter();
        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> exporter.export(a.request(a1, null, CopyEngineKind.STREAMING),
                        ProgressListener.NONE, new Cancellation())),
                CompletableFuture.runAsync(() -> exporter.export(b.request(b1, null, CopyEngineKind.SERVER_SIDE),
                        ProgressListener.NONE, new Cancellation()))).join();
        imported(a);
        imported(b);
        a.change(30, 2048, 2);
        b.change(30, 2048, 2);
        Snapshot a2 = a.snapshot();
        Snapshot b2 = b.snapshot();

        List<ExportOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> outcomes.add(exporter.export(a.request(a2, a1, CopyEngineKind.STREAMING),
                        ProgressListener.NONE, new Cancellation()))),
                CompletableFuture.runAsync(() -> outcomes.add(exporter.export(b.request(b2, b1, CopyEngineKind.SERVER_SIDE),
                        ProgressListener.NONE, new Cancellation())))).join();

        assertThat(outcomes).extracting(o -> o.delta().mode()).containsExactly("diff", "diff");
        assertExactCopy(replicaOf(a), a2);
        assertExactCopy(replicaOf(b), b2);
    }

    @Test
    void aSnapshotOfAnotherDiskNeverFeedsThisDisksReplica() {
        Volume victim = new Volume(8 * MIB, 4);
        Volume other = new Volume(8 * MIB, 4);
        Snapshot otherSnapshot = other.snapshot();
        ExportRequest honest = other.request(otherSnapshot, null, CopyEngineKind.STREAMING);
        ExportRequest hostile = new ExportRequest(TransferStrategy.VHD_INCREMENTAL, honest.backupId(), honest.pvcUid(),
                honest.sourceSnapshotId(), honest.diskSizeBytes(), honest.engine(), 2, honest.sasDuration(),
                ArmResourceId.parse(victim.disk.id()), null, true);
        granted.clear();

        assertThatThrownBy(() -> exporter().export(hostile, ProgressListener.NONE, new Cancellation()))
                .isInstanceOf(StepRefused.class)
                .satisfies(e -> assertThat(((StepRefused) e).code()).isEqualTo("SnapshotOfOtherDisk"));

        assertThat(granted).isEmpty();
        assertThat(replicaOf(victim).properties()).isEmpty();
    }

    // ---- the volume under test -------------------------------------------------------------------------------------

    /** A 1 GiB disk in region A with scattered data, changed and snapshotted by the test. */
    private final class Volume {
        final Disk disk;
        final String name = "inc-" + DISKS.incrementAndGet();
        final Random random = new Random(DISKS.get());
        final List<long[]> extents = new ArrayList<>();
        int snapshots;

        Volume(long written, int count) {
            disk = cloud.azure().compute().createEmptyDisk(
                    ResourceKey.disk(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, name), LocalCloud.SOURCE_REGION,
                    GIB, Map.of());
            long slot = GIB / count / 512 * 512;
            for (int i = 0; i < count; i++) {
                long length = written / count / 512 * 512;
                long offset = slot * i + random.nextInt((int) ((slot - length) / 512)) * 512L;
                write(offset, (int) length);
                extents.add(new long[] {offset, length});
            }
            blobsToDelete.add(replicaOf(this));
        }

        /** {@code writes} writes of {@code bytes} inside the written extents, and {@code trims} discarded ranges. */
        void change(int writes, int bytes, int trims) {
            for (int i = 0; i < writes; i++) {
                long[] extent = extents.get(i % extents.size());
                long room = Math.max(0, (extent[1] - bytes) / 512);
                write(extent[0] + (room == 0 ? 0 : random.nextLong(room) * 512), bytes);
            }
            for (int i = 0; i < trims; i++) {
                long[] extent = extents.get(extents.size() - 1 - i % extents.size());
                disk.content().clear(extent[0], 64 * 1024);
            }
        }

        private void write(long offset, int length) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            disk.content().write(offset, data);
        }

        Snapshot snapshot() {
            Snapshot snapshot = cloud.azure().compute().copyDisk(ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID,
                    LocalCloud.SOURCE_NODE_GROUP, name + "-snap-" + (++snapshots)), LocalCloud.SOURCE_REGION, disk.id(), true,
                    Map.of(), "Standard_ZRS");
            cloud.azure().compute().provisioned(snapshot);
            return snapshot;
        }

        ExportRequest request(Snapshot snapshot, Snapshot previous, CopyEngineKind engine) {
            return new ExportRequest(TransferStrategy.VHD_INCREMENTAL, "backup-" + snapshot.key().name(), "uid-" + name,
                    ExportTestBed.id(snapshot), snapshot.sizeBytes(), engine, 4, Duration.ofHours(1),
                    ArmResourceId.parse(disk.id()), previous == null ? null : ExportTestBed.id(previous), true);
        }
    }

    private IncrementalExporter exporter() {
        return exporter(Duration.ofMinutes(2));
    }

    private IncrementalExporter exporter(Duration importWait) {
        SnapshotAccess recording = bed.snapshotAccessRecordingInto(granted);
        ChunkScheduler scheduler = new ChunkScheduler(QUICK, Duration.ZERO, System::nanoTime);
        return new IncrementalExporter(recording, bed.sourceDisk(), new AzureSourceSnapshots(bed.compute()), bed.staging(),
                List.of(new StreamingCopyEngine(scheduler), new ServerSideCopyEngine(scheduler)),
                new PageRangePlanner(PageRangePlanner.MAX_CHUNK_BYTES), QUICK, Duration.ofMillis(50), importWait,
                Clock.systemUTC());
    }

    private StagingBlob replicaOf(Volume volume) {
        return bed.staging().blob(StagingBlobName.replicaOf(ArmResourceId.parse(volume.disk.id())));
    }

    /** What import-service does once it has imported the replica's generation. */
    private void imported(Volume volume) {
        StagingBlob replica = replicaOf(volume);
        Map<String, String> metadata = new java.util.HashMap<>(replica.properties().orElseThrow().metadata());
        metadata.put(IncrementalExporter.META_IMPORTED, metadata.get(IncrementalExporter.META_GENERATION));
        replica.setMetadata(metadata);
    }

    /**
     * The blob holds exactly the snapshot's disk: the same bytes in every range the snapshot has written,
     * no written page anywhere else (so every other byte reads as zero), and a valid fixed-VHD footer.
     */
    private static void assertExactCopy(StagingBlob blob, Snapshot snapshot) {
        List<SparseContent.Range> written = snapshot.content().writtenRanges(0, GIB);
        for (SparseContent.Range range : written) {
            for (long at = range.start(); at < range.end(); at += 4 * MIB) {
                int length = (int) Math.min(4 * MIB, range.end() - at);
                assertThat(blob.read(at, length)).as("bytes at %d of %s", at, blob.url()).isEqualTo(snapshot.content().read(at, length));
            }
        }
        for (ByteRange present : blob.pageRanges()) {
            if (present.start() >= GIB) {
                continue;
            }
            for (long at = present.start(); at < Math.min(present.end(), GIB); at += 4 * MIB) {
                int length = (int) Math.min(4 * MIB, Math.min(present.end(), GIB) - at);
                assertThat(blob.read(at, length)).as("bytes at %d of %s", at, blob.url()).isEqualTo(snapshot.content().read(at, length));
            }
        }
        assertThat(dev.ferry.export.transfer.VhdFooter.problem(blob.read(GIB, 512), GIB)).isEmpty();
    }

    /** No snapshot has an open grant, and every SAS the exports used is refused. */
    private void assertAllRevoked(Snapshot... snapshots) {
        for (Snapshot snapshot : snapshots) {
            assertThat(bed.compute().snapshots().getById(snapshot.id()).innerModel().diskState())
                    .isEqualTo(DiskState.UNATTACHED);
        }
        for (SasUrl sas : granted) {
            try {
                HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sas.unredacted()))
                        .header("x-ms-range", "bytes=0-511").GET().build(), HttpResponse.BodyHandlers.discarding());
                assertThat(answer.statusCode()).isEqualTo(403);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
