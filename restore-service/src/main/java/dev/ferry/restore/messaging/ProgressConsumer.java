package dev.ferry.restore.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.VhdExported;
import dev.ferry.restore.progress.RecentFailures;
import dev.ferry.restore.progress.TransfersInFlight;
import dev.ferry.support.messaging.FollowedRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Follows each backup's volumes on their way to region B ({@code snapshot.taken}, {@code transfer.progressed},
 * {@code vhd.exported}, and {@code snapshot.recreated} through the catalog's consumer) and every {@code step.failed},
 * for {@code GET /api/v1/transfers} and {@code /api/v1/failures}. These topics belong to other consumers: a record this
 * service cannot read is counted and skipped, not dead-lettered.
 */
@ApplicationScoped
public class ProgressConsumer {

    /** Every service's failed steps as region B hears them ({@code ferry_step_failures_total{step}}), for alerts. */
    static final String FAILURES = "ferry.step.failures";

    private final TransfersInFlight inFlight;
    private final RecentFailures failures;
    private final MeterRegistry metrics;
    private final Counter unreadable;

    public ProgressConsumer(TransfersInFlight inFlight, RecentFailures failures, MeterRegistry metrics) {
        this.inFlight = inFlight;
        this.failures = failures;
        this.metrics = metrics;
        this.unreadable = metrics.counter("ferry.restore.progress.events", "outcome", "unreadable");
        // Every step's count from the start, at 0, so that an alert on its increase sees the first failure.
        for (Step step : Step.values()) {
            metrics.counter(FAILURES, "step", step.wireName());
        }
    }

    @Incoming(Channels.SNAPSHOT_TAKEN)
    @Blocking
    public CompletionStage<Void> snapshotTaken(Message<byte[]> message) {
        read(message, SnapshotTaken.class).ifPresent(inFlight::taken);
        return message.ack();
    }

    @Incoming(Channels.TRANSFER_PROGRESSED)
    @Blocking
    public CompletionStage<Void> transferProgressed(Message<byte[]> message) {
        read(message, TransferProgressed.class).ifPresent(inFlight::progressed);
        return message.ack();
    }

    @Incoming(Channels.VHD_EXPORTED)
    @Blocking
    public CompletionStage<Void> vhdExported(Message<byte[]> message) {
        read(message, VhdExported.class).ifPresent(inFlight::exported);
        return message.ack();
    }

    @Incoming(Channels.STEP_FAILED)
    @Blocking
    public CompletionStage<Void> stepFailed(Message<byte[]> message) {
        read(message, StepFailed.class).ifPresent(event -> {
            metrics.counter(FAILURES, "step", event.step().wireName()).increment();
            failures.failed(event);
            inFlight.failed(event);
        });
        return message.ack();
    }

    private <T extends FerryEvent> Optional<T> read(Message<byte[]> message, Class<T> type) {
        return FollowedRecords.read(message, type, unreadable);
    }
}
