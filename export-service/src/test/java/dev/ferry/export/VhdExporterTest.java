package dev.ferry.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.ExportOutcome.FooterAction;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ChunkScheduler;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.ProgressListener;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.ServerSideCopyEngine;
import dev.ferry.export.transfer.StreamingCopyEngine;
import dev.ferry.export.transfer.TransferCancelledException;
import dev.ferry.export.transfer.VhdFooter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VhdExporterTest {

    private static final int MIB = 1024 * 1024;
    private static final long DISK = 32L * MIB;
    private static final ArmResourceId SNAPSHOT = ArmResourceId.parse("/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11"
            + "/resourceGroups/mc_src/providers/Microsoft.Compute/snapshots/snap-1");
    private static final RetryPolicy FAST = new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2));

    private final InMemoryBlobs blobs = InMemoryBlobs.sourceAndDestination(DISK);
    private final List<String> accessLog = new ArrayList<>();
    private final SnapshotAccess access = new SnapshotAccess() {
        @Override
        public SasUrl grantRead(ArmResourceId snapshotId, Duration duration) {
            accessLog.add("grant " + snapshotId.name());
            return blobs.source().sas();
        }

        @Override
        public void revoke(ArmResourceId snapshotId) {
            accessLog.add("revoke " + snapshotId.name());
        }
    };
    private final VhdExporter exporter = new VhdExporter(access, sas -> blobs.source(), name -> blobs.destination(),
            List.of(new StreamingCopyEngine(scheduler()), new ServerSideCopyEngine(scheduler())),
            new PageRangePlanner(4 * MIB), FAST, Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC));

    private static ChunkScheduler scheduler() {
        return new ChunkScheduler(FAST, Duration.ZERO, System::nanoTime);
    }

    private static ExportRequest request(CopyEngineKind engine) {
        return ExportRequest.full("backup-1", "pvc-uid-1", SNAPSHOT, DISK, engine, 2,
                Duration.ofHours(1));
    }

    private void writeSource(boolean withFooter) {
        Random random = new Random(3);
        for (long offset : new long[] {0, 5L * MIB + 4096, 17L * MIB, DISK - 8192}) {
            byte[] data = new byte[8192];
            random.nextBytes(data);
            blobs.source().write(offset, data);
        }
        if (withFooter) {
            blobs.source().write(DISK, VhdFooter.forDisk(DISK, java.util.UUID.randomUUID(), Instant.EPOCH));
        }
    }

    @Test
    void exportsTheWrittenChunksAndTheFooterAndRevokes() {
        writeSource(true);
        ExportOutcome outcome = exporter.export(request(CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation());

        assertThat(accessLog).containsExactly("grant snap-1", "revoke snap-1");
        assertThat(outcome.blob()).isEqualTo(StagingBlob.Creation.CREATED);
        assertThat(outcome.bytesWritten()).isEqualTo(4 * 8192);
        assertThat(outcome.bytesMoved()).isEqualTo(4 * 8192).isEqualTo(outcome.bytesRead());
        assertThat(outcome.bytesTotal()).isEqualTo(DISK);
        assertThat(outcome.footer()).isEqualTo(FooterAction.COPIED_FROM_SOURCE);
        assertThat(blobs.destination().read(DISK, 512)).isEqualTo(blobs.source().read(DISK, 512));
        assertThat(outcome.vhdUrl()).doesNotContain("?");
        assertThat(outcome.blobName().toString()).isEqualTo("vhds/backup-1/pvc-uid-1.vhd");
    }

    @Test
    void writesItsOwnFooterWhenTheSourceServesNone() {
        writeSource(false);
        ExportOutcome outcome = exporter.export(request(CopyEngineKind.SERVER_SIDE), ProgressListener.NONE, new Cancellation());
        assertThat(outcome.footer()).isEqualTo(FooterAction.WRITTEN);
        assertThat(VhdFooter.problem(blobs.destination().read(DISK, 512), DISK)).isEmpty();
        assertThat(outcome.bytesRead()).isZero();
    }

    @Test
    void revokesWhenTheCopyFailsAndWhenItIsCancelled() {
        writeSource(true);
        blobs.destination().failNext("put", new StorageCallFailed("Put Page", 500, "InternalError", null, null), 10);
        assertThatThrownBy(() -> exporter.export(request(CopyEngineKind.STREAMING), ProgressListener.NONE, new Cancellation()))
                .isInstanceOf(StorageCallFailed.class);
        assertThat(accessLog).containsExactly("grant snap-1", "revoke snap-1");

        Cancellation cancelled = new Cancellation();
        cancelled.cancel("shutdown");
        assertThatThrownBy(() -> exporter.export(request(CopyEngineKind.STREAMING), ProgressListener.NONE, cancelled))
                .isInstanceOf(TransferCancelledException.class);
        assertThat(accessLog).endsWith("grant snap-1", "revoke snap-1").hasSize(4);
    }

    @Test
    void aSecondRunResumesAndASecondCompleteRunMovesNothing() {
        writeSource(true);
        Cancellation cancellation = new Cancellation();
        ProgressListener cancelAfterOneChunk = (done, total) -> {
            if (done > 0) {
                cancellation.cancel("test");
            }
        };
        ExportRequest oneAtATime = ExportRequest.full("backup-1", "pvc-uid-1", SNAPSHOT, DISK,
                CopyEngineKind.STREAMING, 1, Duration.ofHours(1));
        assertThatThrownBy(() -> exporter.export(oneAtATime, cancelAfterOneChunk, cancellation))
                .isInstanceOf(TransferCancelledException.class);

        ExportOutcome resumed = exporter.export(oneAtATime, ProgressListener.NONE, new Cancellation());
        assertThat(resumed.blob()).isEqualTo(StagingBlob.Creation.REUSED);
        // The worker had started the second chunk when the first one's answer counted (and cancelled): both are there.
        assertThat(resumed.chunksSkipped()).isEqualTo(2);
        assertThat(resumed.bytesMoved()).isEqualTo(2 * 8192);

        ExportOutcome again = exporter.export(oneAtATime, ProgressListener.NONE, new Cancellation());
        assertThat(again.bytesMoved()).isZero();
        assertThat(again.chunksSkipped()).isEqualTo(4);
        assertThat(again.footer()).isEqualTo(FooterAction.ALREADY_PRESENT);
        assertThat(accessLog).containsExactly("grant snap-1", "revoke snap-1", "grant snap-1", "revoke snap-1",
                "grant snap-1", "revoke snap-1");
    }
}
