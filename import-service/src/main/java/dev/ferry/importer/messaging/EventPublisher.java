package dev.ferry.importer.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.support.messaging.KafkaCloudEvents;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Sends the service's events as CloudEvents in Kafka binary mode, keyed by volume, and waits for
 * the broker's acknowledgement: a state change is never fired and forgotten.
 */
@ApplicationScoped
public class EventPublisher {

    static final String SERVICE = "import-service";

    private final MutinyEmitter<byte[]> recreated;
    private final MutinyEmitter<byte[]> failed;
    private final EventSource source;
    private final Clock clock;

    public EventPublisher(@Channel(Channels.SNAPSHOT_RECREATED) MutinyEmitter<byte[]> recreated,
                          @Channel(Channels.STEP_FAILED) MutinyEmitter<byte[]> failed,
                          ImportConfig config, Clock clock) {
        this.recreated = recreated;
        this.failed = failed;
        this.source = new EventSource(SERVICE, config.cluster());
        this.clock = clock;
    }

    /** Sends a {@code SnapshotRecreated} and returns once the broker has it. */
    public void snapshotRecreated(FerryEvent event) {
        send(recreated, event);
    }

    /** Sends a {@code StepFailed} and returns once the broker has it. */
    public void stepFailed(FerryEvent event) {
        send(failed, event);
    }

    private void send(MutinyEmitter<byte[]> emitter, FerryEvent event) {
        emitter.sendMessageAndAwait(KafkaCloudEvents.message(event, source, clock));
    }
}
