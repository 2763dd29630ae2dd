package dev.ferry.importer.messaging;


import dev.ferry.events.Step;
import dev.ferry.events.StepFailed;
import dev.ferry.events.VhdExported;
import dev.ferry.importer.VhdImporter;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.support.messaging.DeadLetters;
import dev.ferry.support.messaging.EventPublisher;
import dev.ferry.support.messaging.VolumeEventIntake;
import dev.ferry.support.step.StepRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code ferry.vhd.exported}: a record that cannot be read goes to the dead-letter
 * topic; a valid one is imported (retried while Azure may still succeed) and acknowledged only
 * after its {@code SnapshotRecreated} or {@code StepFailed} is on the broker. Imports run side by
 * side on the {@code import-workers} pool (Azure's import is a long-running operation each volume
 * waits for on its own); one disk never has two at once, since its next export waits for the import
 * of the generation before it.
 */
@ApplicationScoped
public class VhdExportedConsumer {

    private static final Logger LOG = Logger.getLogger(VhdExportedConsumer.class);

    private final VhdImporter importer;
    private final EventPublisher publisher;
    private final ImportConfig config;
    private final MeterRegistry metrics;
    private final DeadLetters deadLetters;
    private final Clock clock;

    public VhdExportedConsumer(VhdImporter importer, EventPublisher publisher, ImportConfig config, MeterRegistry metrics,
                               DeadLetters deadLetters, Clock clock) {
        this.importer = importer;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    @Incoming(Channels.VHD_EXPORTED)
    @Blocking(value = "import-workers", ordered = false)
    public CompletionStage<Void> consume(Message<byte[]> message) {
        return VolumeEventIntake.take(message, VhdExported.class, VhdExported::backupId,
                deadLetters, this::handle);
    }

    private void handle(VhdExported exported, Map<String, String> headers) {
        StepRetry.run("import", config.retry().maxAttempts(), config.retry().initialBackoff(), attempt -> {
            VhdImporter.Outcome outcome = metrics.timer("ferry.import.duration").recordCallable(() -> importer.importVhd(exported));
            publisher.publish(outcome.event());
            metrics.counter("ferry.import.events", "outcome", outcome.result().name().toLowerCase()).increment();
        }, (code, reason, retryable, attempts) -> fail(exported, headers, code, reason, retryable, attempts));
    }

    private void fail(VhdExported exported, Map<String, String> headers, String code, String reason, boolean retryable, int attempts) {
        LOG.errorf("import gave up after %d attempt(s): %s: %s", attempts, code, reason);
        metrics.counter("ferry.import.events", "outcome", "failed").increment();
        publisher.publish(StepFailed.ofVolume(exported, headers, Step.IMPORT, code, reason, retryable, attempts, clock.instant()));
    }
}
