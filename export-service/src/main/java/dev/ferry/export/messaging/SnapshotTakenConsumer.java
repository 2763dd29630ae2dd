package dev.ferry.export.messaging;

import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VhdExported;
import dev.ferry.export.SnapshotExport;
import dev.ferry.export.StorageCallFailed;
import dev.ferry.export.TransfersInFlight;
import dev.ferry.export.config.ExportConfig;
import dev.ferry.export.copystart.CopyStartTransfer;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.TransferCancelledException;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.messaging.DeadLetters;
import dev.ferry.support.messaging.EventPublisher;
import dev.ferry.support.messaging.VolumeEventIntake;
import dev.ferry.support.step.StepInterrupted;
import dev.ferry.support.step.StepRefused;
import dev.ferry.support.step.StepRetry;
import dev.ferry.support.threads.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code ferry.snapshot.taken}: an unreadable record goes to the dead-letter topic; a
 * valid one is exported and acknowledged only after its {@code VhdExported} (or, for copy-start,
 * {@code SnapshotRecreated}) or its {@code StepFailed} is on the broker, so a crash mid-copy means
 * redelivery and resumption. The VHD strategies move bytes on a pool of
 * {@code ferry.transfer.concurrent-volumes} threads (a later attempt resumes the earlier one's copy);
 * copy-start holds no thread while Azure copies: its copies wait and run in the {@code CopyQueue}.
 */
@ApplicationScoped
public class SnapshotTakenConsumer {

    private static final Logger LOG = Logger.getLogger(SnapshotTakenConsumer.class);


    private final SnapshotExport export;
    private final CopyStartTransfer copyStart;
    private final ExecutorService vhdWorkers;
    private final EventPublisher publisher;
    private final ExportConfig config;
    private final MeterRegistry metrics;
    private final DeadLetters deadLetters;
    private final TransfersInFlight inFlight;
    private final Clock clock;
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();

    public SnapshotTakenConsumer(SnapshotExport export, CopyStartTransfer copyStart, EventPublisher publisher, ExportConfig config,
                                 MeterRegistry metrics, DeadLetters deadLetters, TransfersInFlight inFlight, Clock clock) {
        this.export = export;
        this.copyStart = copyStart;
        this.vhdWorkers = Executors.newFixedThreadPool(config.transfer().concurrentVolumes(), DaemonThreads.named("vhd-export-"));
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.inFlight = inFlight;
        this.clock = clock;
    }

    @Incoming(Channels.SNAPSHOT_TAKEN)
    @Blocking(value = "export-workers", ordered = false)
    public CompletionStage<Void> consume(Message<byte[]> message) {
        return VolumeEventIntake.takeAsync(message, SnapshotTaken.class, SnapshotTaken::backupId,
                deadLetters, this::dispatch);
    }

    private CompletionStage<Void> dispatch(SnapshotTaken taken, Map<String, String> headers) {
        if (taken.volume().strategy() == TransferStrategy.COPY_START) {
            return copyStart(taken, headers);
        }
        return CompletableFuture.runAsync(() -> VolumeEventIntake.inLogContext(taken.backupId(), taken, () -> {
            handle(taken, headers);
            return null;
        }), vhdWorkers);
    }

    /**
     * Checks and enqueues the copy here (its lookups retried like any step), then lets the queue run it; the
     * record is acknowledged when the copy's outcome is on the broker.
     */
    private CompletionStage<Void> copyStart(SnapshotTaken taken, Map<String, String> headers) {
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        inFlight.started(taken);
        outcome.whenComplete((done, failure) -> inFlight.finished(taken));
        StepRetry.run("copy-start", config.retry().maxAttempts(), config.retry().initialBackoff(), attempt ->
                copyStart.transfer(taken, this::progressed).whenComplete((recreated, failure) -> {
                    try {
                        VolumeEventIntake.inLogContext(taken.backupId(), taken, () -> {
                            finishCopy(taken, headers, recreated, failure);
                            return null;
                        });
                        outcome.complete(null);
                    } catch (RuntimeException e) {
                        outcome.completeExceptionally(e);
                    }
                }), (code, reason, retryable, attempts) -> {
            fail(taken, headers, code, reason, retryable, attempts);
            outcome.complete(null);
        });
        return outcome;
    }

    private void finishCopy(SnapshotTaken taken, Map<String, String> headers, SnapshotRecreated recreated, Throwable failure) {
        Throwable cause = VolumeEventIntake.cause(failure);
        if (cause == null) {
            publisher.publish(recreated);
            metrics.counter("ferry.export.events", "outcome", "recreated").increment();
            metrics.timer("ferry.export.duration").record(Duration.ofMillis(recreated.transfer().durationMillis()));
            LOG.infof("Azure copied the snapshot to %s in %d ms", recreated.targetSnapshotId().name(),
                    recreated.transfer().durationMillis());
        } else if (cause instanceof StepRefused refused) {
            fail(taken, headers, refused.code(), refused.getMessage(), false, 1);
        } else if (cause instanceof AzureCallFailed azure) {
            fail(taken, headers, azure.code(), azure.getMessage(), azure.retryable(), 1);
        } else {
            LOG.errorf(cause, "the copy failed unexpectedly");
            fail(taken, headers, "CopyStartFailed", "The copy failed unexpectedly (" + cause.getClass().getSimpleName() + ").",
                    true, 1);
        }
    }

    private void handle(SnapshotTaken taken, Map<String, String> headers) {
        Cancellation cancellation = new Cancellation();
        running.add(cancellation);
        inFlight.started(taken);
        try {
            StepRetry.run("export", config.retry().maxAttempts(), config.retry().initialBackoff(),
                    cancellation::awaitCancellation, attempt -> {
                        VhdExported exported = exportOnce(taken, cancellation);
                        publisher.publish(exported);
                        metrics.counter("ferry.export.events", "outcome", "exported").increment();
                        metrics.counter("ferry.export.bytes.moved").increment(exported.transfer().bytesMoved());
                        metrics.timer("ferry.export.duration").record(Duration.ofMillis(exported.transfer().durationMillis()));
                        LOG.infof("exported %d of %d bytes in %d ms", exported.transfer().bytesMoved(),
                                exported.transfer().bytesTotal(), exported.transfer().durationMillis());
                    }, (code, reason, retryable, attempts) -> fail(taken, headers, code, reason, retryable, attempts));
        } finally {
            running.remove(cancellation);
            inFlight.finished(taken);
        }
    }

    /**
     * One attempt of the export, its failures in the shared retry's terms: a storage failure is worth another
     * attempt (which resumes the copy), whatever its status; a cancelled copy (shutdown) leaves the record for
     * redelivery.
     */
    private VhdExported exportOnce(SnapshotTaken taken, Cancellation cancellation) {
        try {
            return export.export(taken, this::progressed, cancellation);
        } catch (StorageCallFailed e) {
            throw AzureCallFailed.worthAnotherAttempt(e.errorCode().orElse("StorageCallFailed"), e.status(), e.getMessage(), e);
        } catch (TransferCancelledException e) {
            LOG.infof("export stopped (%s); left for redelivery", e.getMessage());
            throw new StepInterrupted();
        }
    }

    private void progressed(dev.ferry.events.TransferProgressed event) {
        inFlight.progressed(event);
        try {
            publisher.publish(event);
        } catch (RuntimeException e) {
            // Progress is informative: a lost report must not fail the copy.
            LOG.debugf("a progress report was not sent: %s", e.getMessage());
        }
    }

    private void fail(SnapshotTaken taken, Map<String, String> headers, String code, String reason, boolean retryable, int attempts) {
        LOG.errorf("export gave up after %d attempt(s): %s: %s", attempts, StepFailed.code(code), StepFailed.reason(reason));
        metrics.counter("ferry.export.events", "outcome", "failed").increment();
        publisher.publish(StepFailed.ofVolume(taken, headers, Step.EXPORT, code, reason, retryable, attempts, clock.instant()));
    }

    /** On shutdown, running copies stop starting new ranges; their records stay uncommitted and resume elsewhere. */
    @PreDestroy
    void stopCopies() {
        running.forEach(c -> c.cancel("the service is shutting down"));
        vhdWorkers.shutdown();
    }
}
