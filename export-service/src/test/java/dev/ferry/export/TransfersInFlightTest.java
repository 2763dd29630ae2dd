package dev.ferry.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.PvcSpec;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransfersInFlightTest {

    private static final String SUB = "6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11";

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final TransfersInFlight inFlight = new TransfersInFlight(metrics);

    @Test
    void aVolumeCountsAsInFlightWithItsRemainingBytesUntilItsTransferEnds() {
        SnapshotTaken db = taken("b1", "orders-db");
        SnapshotTaken files = taken("b1", "orders-files");
        inFlight.started(db);
        inFlight.started(files);
        inFlight.progressed(progressed(db, 30, 100));

        assertThat(metrics.get(TransfersInFlight.IN_FLIGHT).gauge().value()).isEqualTo(2);
        assertThat(remaining("orders-db")).isEqualTo(70);
        assertThat(remaining("orders-files")).as("before its first report").isZero();

        inFlight.finished(db);
        assertThat(metrics.get(TransfersInFlight.IN_FLIGHT).gauge().value()).isEqualTo(1);
        assertThat(metrics.find(TransfersInFlight.REMAINING).tag("pvc", "orders-db").gauge()).as("the ended volume's series").isNull();
    }

    @Test
    void aReportOfAVolumeNotInFlightHereChangesNothing() {
        inFlight.progressed(progressed(taken("b2", "orders-db"), 10, 100));

        assertThat(metrics.get(TransfersInFlight.IN_FLIGHT).gauge().value()).isZero();
        assertThat(metrics.find(TransfersInFlight.REMAINING).gauges()).isEmpty();
    }

    private double remaining(String pvc) {
        return metrics.get(TransfersInFlight.REMAINING).tag("namespace", "shop").tag("pvc", pvc).gauge().value();
    }

    private static SnapshotTaken taken(String backupId, String pvc) {
        ArmResourceId disk = ArmResourceId.of(SUB, "rg", "Microsoft.Compute", "disks", "pvc-" + pvc);
        ArmResourceId snapshot = ArmResourceId.of(SUB, "rg", "Microsoft.Compute", "snapshots", "snap-" + pvc);
        VolumeBackup volume = new VolumeBackup("manual", "aks-source", "shop", new PvcSpec(pvc, "uid-" + pvc, "managed-csi",
                List.of("ReadWriteOnce"), "Filesystem", 1L << 30, 1L << 30, Map.of()), 0, 2,
                new SourceSnapshot(snapshot, disk, "eastus", 1L << 30, true, null), null, TransferStrategy.VHD_FULL, null, Instant.now());
        return new SnapshotTaken(FerryEvent.SCHEMA_VERSION, backupId, "corr", volume);
    }

    private static TransferProgressed progressed(SnapshotTaken taken, long done, long total) {
        VolumeBackup volume = taken.volume();
        return new TransferProgressed(FerryEvent.SCHEMA_VERSION, taken.backupId(), "corr", volume.namespace(), volume.pvc().name(),
                volume.source().diskId(), volume.source().snapshotId(), "streaming", done, total, null, Instant.now());
    }
}
