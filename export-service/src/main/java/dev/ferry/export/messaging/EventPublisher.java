package dev.ferry.export.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.export.config.ExportConfig;
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

    static final String SERVICE = "export-service";

    private final MutinyEmitter<byte[]> exported;
    private final MutinyEmitter<byte[]> progressed;
    private final MutinyEmitter<byte[]> failed;
    private final EventSource source;
    private final Clock clock;

    public EventPublisher(@Channel(Channels.VHD_EXPORTED) MutinyEmitter<byte[]> exported,
                          @Channel(Channels.TRANSFER_PROGRESSED) MutinyEmitter<byte[]> progressed,
                          @Channel(Channels.STEP_FAILED) MutinyEmitter<byte[]> failed,
                          ExportConfig config, Clock clock) {
        this.exported = exported;
        this.progressed = progressed;
        this.failed = failed;
        this.source = new EventSource(SERVICE, config.cluster());
        this.clock = clock;
    }

    public void vhdExported(FerryEvent event) {
        exported.sendMessageAndAwait(KafkaCloudEvents.message(event, source, clock));
    }

    public void transferProgressed(FerryEvent event) {
        progressed.sendMessageAndAwait(KafkaCloudEvents.message(event, source, clock));
    }

    public void stepFailed(FerryEvent event) {
        failed.sendMessageAndAwait(KafkaCloudEvents.message(event, source, clock));
    }
}
