package dev.ferry.export;

import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.TransferProgressed;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This replica's transfers under way, as gauges a scraper reads: {@code ferry_export_transfers_in_flight} (volumes
 * being exported or copied here, waiting for Azure included) and {@code ferry_export_bytes_remaining{namespace,pvc}}
 * (what a volume's transfer still has to move, from its last progress report; the series goes when the transfer ends).
 */
@ApplicationScoped
public class TransfersInFlight {

    static final String IN_FLIGHT = "ferry.export.transfers.in.flight";
    static final String REMAINING = "ferry.export.bytes.remaining";

    private final MeterRegistry metrics;
    private final Map<String, Transfer> transfers = new ConcurrentHashMap<>();

    public TransfersInFlight(MeterRegistry metrics) {
        this.metrics = metrics;
        Gauge.builder(IN_FLIGHT, transfers, Map::size).description("volumes being transferred by this replica").register(metrics);
    }

    /** A volume's transfer begins: it counts as in flight, its remaining bytes unknown (0) until its first report. */
    public void started(SnapshotTaken taken) {
        transfers.computeIfAbsent(key(taken.backupId(), taken.volume().pvc().name()), key -> {
            AtomicLong remaining = new AtomicLong();
            Gauge gauge = Gauge.builder(REMAINING, remaining, AtomicLong::get)
                    .description("what a volume's transfer still has to move")
                    .tags(Tags.of("namespace", taken.volume().namespace(), "pvc", taken.volume().pvc().name())).register(metrics);
            return new Transfer(remaining, gauge);
        });
    }

    /** A progress report: the volume's remaining bytes. */
    public void progressed(TransferProgressed report) {
        Transfer transfer = transfers.get(key(report.backupId(), report.pvcName()));
        if (transfer != null) {
            transfer.remaining().set(report.bytesTotal() - report.bytesDone());
        }
    }

    /** The transfer ended, whatever its outcome: it leaves the gauges. */
    public void finished(SnapshotTaken taken) {
        Transfer transfer = transfers.remove(key(taken.backupId(), taken.volume().pvc().name()));
        if (transfer != null) {
            metrics.remove(transfer.gauge());
        }
    }

    private static String key(String backupId, String pvc) {
        return backupId + "/" + pvc;
    }

    private record Transfer(AtomicLong remaining, Gauge gauge) {
    }
}
