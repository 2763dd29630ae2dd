package dev.ferry.snapshot.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.StepFailed;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.snapshot.BackupEvents;
import dev.ferry.snapshot.config.SnapshotConfig;
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
public class EventPublisher implements BackupEvents {

    static final String SERVICE = "snapshot-service";

    private final MutinyEmitter<byte[]> taken;
    private final MutinyEmitter<byte[]> failed;
    private final EventSource source;
    private final Clock clock;

    public EventPublisher(@Channel(Channels.SNAPSHOT_TAKEN) MutinyEmitter<byte[]> taken,
                          @Channel(Channels.STEP_FAILED) MutinyEmitter<byte[]> failed,
                          SnapshotConfig config, Clock clock) {
        this.taken = taken;
        this.failed = failed;
        this.source = new EventSource(SERVICE, config.cluster());
        this.clock = clock;
    }

    /** Sends a {@code SnapshotTaken} and returns once the broker has it. */
    @Override
    public void snapshotTaken(SnapshotTaken event) {
        send(taken, event);
    }

    /** Sends a {@code StepFailed} and returns once the broker has it. */
    @Override
    public void stepFailed(StepFailed event) {
        send(failed, event);
    }

    private void send(MutinyEmitter<byte[]> emitter, FerryEvent event) {
        emitter.sendMessageAndAwait(KafkaCloudEvents.message(event, source, clock));
    }
}
