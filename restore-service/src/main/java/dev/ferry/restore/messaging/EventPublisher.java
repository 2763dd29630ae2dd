package dev.ferry.restore.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.support.messaging.KafkaCloudEvents;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Sends the service's events as CloudEvents in Kafka binary mode and waits for the broker's
 * acknowledgement: a state change is never fired and forgotten.
 */
@ApplicationScoped
public class EventPublisher {

    static final String SERVICE = "restore-service";
    /** A restore does not wait longer than this for Kafka: the brokers may be gone with region A. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final MutinyEmitter<byte[]> completed;
    private final MutinyEmitter<byte[]> failed;
    private final EventSource source;
    private final Clock clock;

    public EventPublisher(@Channel(Channels.RESTORE_COMPLETED) MutinyEmitter<byte[]> completed,
                          @Channel(Channels.STEP_FAILED) MutinyEmitter<byte[]> failed,
                          RestoreConfig config, Clock clock) {
        this.completed = completed;
        this.failed = failed;
        this.source = new EventSource(SERVICE, config.cluster());
        this.clock = clock;
    }

    /** Sends a {@code RestoreCompleted} and returns once the broker has it; fails after {@link #SEND_TIMEOUT}. */
    public void restoreCompleted(FerryEvent event) {
        completed.sendMessage(KafkaCloudEvents.message(event, source, clock)).await().atMost(SEND_TIMEOUT);
    }

    /** Sends a {@code StepFailed} and returns once the broker has it; fails after {@link #SEND_TIMEOUT}. */
    public void stepFailed(FerryEvent event) {
        failed.sendMessage(KafkaCloudEvents.message(event, source, clock)).await().atMost(SEND_TIMEOUT);
    }
}
