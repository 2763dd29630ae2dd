package dev.ferry.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.resourcemanager.compute.models.DiskState;
import dev.ferry.export.ExportOutcome.FooterAction;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.export.transfer.ProgressListener;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.TransferCancelledException;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.azure.compute.SparseContent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vhd-full export against the local stand-ins, through the production adapters: the Azure fake
 * (Compute API, SAS data plane), the storage front and Azurite.
 */
class VhdExporterIT {

    private static final long GIB = ExportTestBed.GIB;
    private static final long MIB = ExportTestBed.MIB;
    private static final long CHUNK = 4 * MIB;
    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200));

    private static LocalCloud cloud;
    private static ExportTestBed bed;
    private static final AtomicInteger VOLUMES = new AtomicInteger();

    /** Records every SAS granted, to try it after the export. */
    private final List<SasUrl> granted = new ArrayList<>();
    /** Records every range the exporter read from the source. */
    private final List<ByteRange> reads = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<StagingBlob> blobsToDelete = new ArrayList<>();

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

    private VhdExporter exporter(RetryPolicy retry) {
        SnapshotAccess recording = bed.snapshotAccessRecordingInto(granted);
        SourceDisk disk = bed.sourceDisk();
        SourceDisk counting = sas -> new ObservedSourceBlob(disk.open(sas), (offset, length, nanos) -> reads.add(ByteRange.ofLength(offset, length)));
        StagingAccount staging = bed.staging();
        StagingAccount remembering = name -> {
            StagingBlob blob = staging.blob(name);
            blobsToDelete.add(blob);
            return blob;
        };
        return ExportTestBed.exporter(recording, counting, remembering, retry, Duration.ZERO);
    }

    private static ExportRequest request(Snapshot snapshot, CopyEngineKind engine, int parallelism) {
        return ExportRequest.full("backup-" + snapshot.key().name(), "uid-" + snapshot.key().name(),
                ExportTestBed.id(snapshot), snapshot.sizeBytes(), engine, parallelism, Duration.ofHours(1));
    }

    private static Snapshot sparseSnapshot() {
        return bed.sourceSnapshot("vol-" + VOLUMES.incrementAndGet(), GIB, 48 * MIB, 40, VOLUMES.get());
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void aSparseSnapshotBecomesAByteIdenticalImportableVhdAndOnlyWrittenRangesAreRead(CopyEngineKind engine) {
        Snapshot snapshot = sparseSnapshot();
        SparseContent source = snapshot.content();
        List<SparseContent.Range> written = source.writtenRanges(0, GIB);

        ExportOutcome outcome = exporter(QUICK).export(request(snapshot, engine, 4), ProgressListener.NONE, new Cancellation());

        assertThat(outcome.blob()).isEqualTo(StagingBlob.Creation.CREATED);
        assertThat(outcome.bytesWritten()).isEqualTo(source.writtenBytes());
        assertThat(outcome.bytesMoved()).isGreaterThanOrEqualTo(source.writtenBytes())
                .isLessThanOrEqualTo(cellsTouched(written) * CHUNK);
        assertThat(outcome.footer()).isEqualTo(FooterAction.COPIED_FROM_SOURCE);
        StagingBlob blob = bed.staging().blob(request(snapshot, engine, 4).stagingBlobName());
        assertHoldsTheWrittenBytes(blob, snapshot);
        var sdkBlob = new com.azure.storage.blob.BlobServiceClientBuilder()
                .connectionString(cloud.storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT)).buildClient()
                .getBlobContainerClient(StagingBlobName.VHD_CONTAINER).getBlobClient(outcome.blobName().blobName());
        assertThat(sdkBlob.getTags()).containsEntry("ferry.backupId", "backup-" + snapshot.key().name())
                .containsEntry("ferry.pvcUid", "uid-" + snapshot.key().name()).containsEntry("ferry.createdBy", "export-service");
        assertThat(sdkBlob.getProperties().getMetadata()).containsEntry("ferry_createdby", "export-service");
        byte[] footer = blob.read(GIB, 512);
        assertThat(dev.ferry.localcloud.azure.compute.VhdFooter.problem(footer, GIB + 512)).isNull();
        assertThat(dev.ferry.export.transfer.VhdFooter.problem(footer, GIB)).isEmpty();

        if (engine == CopyEngineKind.STREAMING) {
            // Every read is a planned chunk (inside the written cells) or the footer; nothing else was read.
            Set<Long> cells = cells(written);
            for (ByteRange read : reads) {
                if (read.start() == GIB) {
                    assertThat(read.length()).isEqualTo(512);
                } else {
                    assertThat(cells).contains(read.start() / CHUNK);
                    assertThat(read.length()).isLessThanOrEqualTo(CHUNK);
                }
            }
            // Each planned chunk and the footer are read; a chunk is read again only when a storage call of it was
            // retried (a loaded machine sees the odd reset between the storage front and Azurite).
            List<ByteRange> distinct = reads.stream().distinct().toList();
            assertThat(distinct.stream().mapToLong(ByteRange::length).sum()).isEqualTo(outcome.bytesMoved() + 512);
            assertThat(reads.size() - distinct.size()).isLessThanOrEqualTo(outcome.retries());
            assertThat(outcome.bytesRead()).isEqualTo(reads.stream().filter(r -> r.start() < GIB).mapToLong(ByteRange::length).sum());
        }
        assertRevoked(snapshot);

        var imported = bed.compute().snapshots().define("imported-" + snapshot.key().name())
                .withRegion(LocalCloud.DR_REGION).withExistingResourceGroup(LocalCloud.DR_GROUP)
                .withDataFromVhd(outcome.vhdUrl(), cloud.drStagingAccount().id()).create();
        SparseContent importedContent = cloud.azure().compute().snapshot(ResourceKey.parse(imported.id())).orElseThrow().content();
        assertThat(importedContent.size()).isEqualTo(GIB);
        for (long at = 0; at < GIB; at += 64 * MIB) {
            assertThat(importedContent.read(at, (int) (64 * MIB))).as("imported bytes at %d", at)
                    .isEqualTo(source.read(at, (int) (64 * MIB)));
        }
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void throttlingAndServerBusyAreSurvived(CopyEngineKind engine) {
        Snapshot snapshot = sparseSnapshot();
        Faults faults = cloud.azure().faults();
        Faults.Kind kind = engine == CopyEngineKind.STREAMING ? Faults.Kind.SAS_READ : Faults.Kind.PUT_PAGE_FROM_URL;
        // The fake counts served faults over its life, across tests.
        int servedBefore = faults.served(kind);
        int rangeFaultsBefore = faults.served(Faults.Kind.PAGE_RANGES);
        faults.inject(kind, Faults.Fault.serverBusy(Duration.ofSeconds(1)), 2);
        faults.inject(kind, Faults.Fault.throttle(Duration.ofSeconds(1)), 2);
        faults.inject(Faults.Kind.PAGE_RANGES, Faults.Fault.internalError(), 1);

        ExportOutcome outcome = exporter(QUICK).export(request(snapshot, engine, 4), ProgressListener.NONE, new Cancellation());

        assertThat(faults.served(kind) - servedBefore).isEqualTo(4);
        assertThat(faults.served(Faults.Kind.PAGE_RANGES) - rangeFaultsBefore).isEqualTo(1);
        assertThat(outcome.retries()).isGreaterThanOrEqualTo(5);
        assertThat(outcome.bytesMoved()).isGreaterThanOrEqualTo(snapshot.content().writtenBytes());
        StagingBlob blob = bed.staging().blob(request(snapshot, engine, 4).stagingBlobName());
        assertHoldsTheWrittenBytes(blob, snapshot);
        assertRevoked(snapshot);
    }

    @org.junit.jupiter.api.Test
    void aPutPageRefusedAfterItsDataWasSentIsReadAgainAndWritten() {
        Snapshot snapshot = sparseSnapshot();
        Faults faults = cloud.azure().faults();
        int servedBefore = faults.served(Faults.Kind.PUT_PAGE);
        // Refused once the front has the whole chunk: by then the worker reads its next chunk into the buffer.
        faults.inject(Faults.Kind.PUT_PAGE, Faults.Fault.serverBusy(Duration.ofSeconds(1)), 2);
        faults.inject(Faults.Kind.PUT_PAGE, Faults.Fault.throttle(Duration.ofSeconds(1)), 1);

        ExportOutcome outcome = exporter(QUICK).export(request(snapshot, CopyEngineKind.STREAMING, 2), ProgressListener.NONE,
                new Cancellation());

        assertThat(faults.served(Faults.Kind.PUT_PAGE) - servedBefore).isEqualTo(3);
        assertThat(outcome.retries()).isGreaterThanOrEqualTo(3);
        // Each refused chunk was read once more; nothing else was.
        assertThat(outcome.bytesRead()).isGreaterThan(outcome.bytesMoved()).isLessThanOrEqualTo(outcome.bytesMoved() + 3 * CHUNK);
        StagingBlob blob = bed.staging().blob(request(snapshot, CopyEngineKind.STREAMING, 2).stagingBlobName());
        assertHoldsTheWrittenBytes(blob, snapshot);
        assertRevoked(snapshot);
    }

    @org.junit.jupiter.api.Test
    void aPutPageNoLongerReadsItsBufferOnceItHasTakenAllOfIt() {
        StagingBlob blob = bed.staging().blob(StagingBlobName.forVolume("release-" + VOLUMES.incrementAndGet(), "pvc"));
        blobsToDelete.add(blob);
        blob.createIfAbsent(GIB + 512, java.util.Map.of());
        byte[] buffer = new byte[(int) CHUNK];
        new java.util.Random(VOLUMES.get()).nextBytes(buffer);
        byte[] chunk = buffer.clone();
        long offset = 3 * CHUNK;

        StagingBlob.PagesWhileFilled put = blob.putPagesWhileFilled(offset, buffer, buffer.length);
        // The buffer fills as a download would fill it.
        for (int filled = 48 * 1024; filled < buffer.length; filled += 48 * 1024) {
            put.filled(filled);
        }
        put.filled(buffer.length);
        put.awaitRelease();
        // The worker's next chunk goes into the buffer while the answer is still to come.
        java.util.Arrays.fill(buffer, (byte) 0x5a);
        put.await();

        assertThat(blob.read(offset, (int) CHUNK)).isEqualTo(chunk);
        assertThat(blob.pageRanges()).containsExactly(ByteRange.ofLength(offset, CHUNK));
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void anInterruptedCopyResumesWithoutCopyingFinishedChunksAgain(CopyEngineKind engine) {
        Snapshot snapshot = sparseSnapshot();
        Cancellation cancellation = new Cancellation();
        ProgressListener cancelAtAThird = (done, total) -> {
            if (done * 3 >= total && done > 0) {
                cancellation.cancel("simulated shutdown");
            }
        };
        assertThatThrownBy(() -> exporter(QUICK).export(request(snapshot, engine, 4), cancelAtAThird, cancellation))
                .isInstanceOf(TransferCancelledException.class);
        assertRevoked(snapshot);

        reads.clear();
        ExportOutcome resumed = exporter(QUICK).export(request(snapshot, engine, 4), ProgressListener.NONE, new Cancellation());

        assertThat(resumed.blob()).isEqualTo(StagingBlob.Creation.REUSED);
        assertThat(resumed.chunksSkipped()).isPositive();
        assertThat(resumed.bytesSkipped()).isGreaterThanOrEqualTo(resumed.bytesWritten() / 4);
        assertThat(resumed.bytesMoved()).isLessThan(resumed.bytesWritten());
        if (engine == CopyEngineKind.STREAMING) {
            long readAgain = reads.stream().filter(r -> r.start() < GIB).mapToLong(ByteRange::length).sum();
            assertThat(readAgain).isEqualTo(resumed.bytesMoved());
        }
        StagingBlob blob = bed.staging().blob(request(snapshot, engine, 4).stagingBlobName());
        assertHoldsTheWrittenBytes(blob, snapshot);
        assertThat(dev.ferry.localcloud.azure.compute.VhdFooter.problem(blob.read(GIB, 512), GIB + 512)).isNull();
        assertRevoked(snapshot);
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void aCopyThatRunsOutOfRetriesFailsRevokesAndResumesLater(CopyEngineKind engine) {
        Snapshot snapshot = sparseSnapshot();
        Faults.Kind kind = engine == CopyEngineKind.STREAMING ? Faults.Kind.SAS_READ : Faults.Kind.PUT_PAGE_FROM_URL;
        // Let a few chunks through first, so that the failed attempt leaves work behind for the next.
        cloud.azure().faults().inject(kind, Faults.Fault.latency(Duration.ofMillis(1)), 6);
        cloud.azure().faults().inject(kind, Faults.Fault.internalError(), 1000);
        RetryPolicy three = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20));

        assertThatThrownBy(() -> exporter(three).export(request(snapshot, engine, 2), ProgressListener.NONE, new Cancellation()))
                .isInstanceOf(StorageCallFailed.class)
                .satisfies(e -> assertThat(((StorageCallFailed) e).status()).isEqualTo(500))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sig=").doesNotContain("?"));
        assertRevoked(snapshot);

        cloud.azure().faults().clear();
        ExportOutcome resumed = exporter(three).export(request(snapshot, engine, 2), ProgressListener.NONE, new Cancellation());
        assertThat(resumed.chunksSkipped()).isPositive();
        assertThat(resumed.bytesMoved()).isLessThan(resumed.bytesWritten());
        assertRevoked(snapshot);
    }

    @org.junit.jupiter.api.Test
    void aReadThatBreaksOffMidChunkWritesNothingOfItsChunkAndIsReadAgain() {
        Snapshot snapshot = sparseSnapshot();
        int cut = 256 * 1024;
        // With one worker the chunks go in order; the first read longer than the cut is the one that breaks.
        long cell = cutCell(snapshot, cut);
        int cellLength = (int) Math.min(CHUNK, GIB - cell);
        // One attempt only: that chunk's read breaks off after 256 KiB, while its Put Page already sends.
        cloud.azure().faults().cutReads(cut, 1);
        RetryPolicy once = new RetryPolicy(1, Duration.ofMillis(5), Duration.ofMillis(20));

        assertThatThrownBy(() -> exporter(once).export(request(snapshot, CopyEngineKind.STREAMING, 1), ProgressListener.NONE,
                new Cancellation())).isInstanceOf(StorageCallFailed.class);

        // Put Page is all or nothing: the bytes that were sent before the read broke off were not written.
        StagingBlob blob = bed.staging().blob(request(snapshot, CopyEngineKind.STREAMING, 1).stagingBlobName());
        assertThat(blob.read(cell, cellLength)).isEqualTo(new byte[cellLength]);
        assertRevoked(snapshot);

        // With retries, broken reads are read again and the copy is exact.
        cloud.azure().faults().cutReads(cut, 2);
        ExportOutcome outcome = exporter(QUICK).export(request(snapshot, CopyEngineKind.STREAMING, 2), ProgressListener.NONE,
                new Cancellation());
        assertThat(outcome.retries()).isGreaterThanOrEqualTo(2);
        assertHoldsTheWrittenBytes(blob, snapshot);
        assertRevoked(snapshot);
    }

    /** The 4 MiB cell of the first chunk (in offset order) whose written bytes span more than {@code bytes}. */
    private static long cutCell(Snapshot snapshot, int bytes) {
        java.util.TreeMap<Long, long[]> hulls = new java.util.TreeMap<>();
        for (SparseContent.Range range : snapshot.content().writtenRanges(0, GIB)) {
            for (long at = range.start(); at < range.end(); at = at - at % CHUNK + CHUNK) {
                long cell = at - at % CHUNK;
                long end = Math.min(range.end(), cell + CHUNK);
                long start = at;
                hulls.merge(cell, new long[] {start, end}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }
        return hulls.entrySet().stream().filter(e -> e.getValue()[1] - e.getValue()[0] > bytes).findFirst().orElseThrow().getKey();
    }

    /** Every byte written on the snapshot's disk is in the staging blob at the same offset. */
    private static void assertHoldsTheWrittenBytes(StagingBlob blob, Snapshot snapshot) {
        for (SparseContent.Range range : snapshot.content().writtenRanges(0, GIB)) {
            for (long at = range.start(); at < range.end(); at += CHUNK) {
                int length = (int) Math.min(CHUNK, range.end() - at);
                assertThat(blob.read(at, length)).as("bytes at %d", at).isEqualTo(snapshot.content().read(at, length));
            }
        }
    }

    /** The snapshot has no open grant, and the SAS the export used is refused. */
    private void assertRevoked(Snapshot snapshot) {
        assertThat(bed.compute().snapshots().getById(snapshot.id()).innerModel().diskState()).isEqualTo(DiskState.UNATTACHED);
        assertThat(granted).isNotEmpty();
        try {
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(granted.get(granted.size() - 1).unredacted()))
                    .header("x-ms-range", "bytes=0-511").GET().build(), HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).isEqualTo(403);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Set<Long> cells(List<SparseContent.Range> ranges) {
        Set<Long> cells = new HashSet<>();
        for (SparseContent.Range range : ranges) {
            for (long cell = range.start() / CHUNK; cell <= (range.end() - 1) / CHUNK; cell++) {
                cells.add(cell);
            }
        }
        return cells;
    }

    private static long cellsTouched(List<SparseContent.Range> ranges) {
        return cells(ranges).size();
    }
}
