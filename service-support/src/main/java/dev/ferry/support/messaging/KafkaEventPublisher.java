package dev.ferry.support.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.support.config.ServiceSettings;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * The {@link EventPublisher} of every service: one outgoing channel, {@value #CHANNEL}, whose
 * messages name their topic (the event type's), as CloudEvents in Kafka binary mode keyed by volume.
 * Each service configures the channel's connector and serializers; the topic of each record comes
 * from {@link dev.ferry.events.EventType}.
 */
@ApplicationScoped
public class KafkaEventPublisher implements EventPublisher {

    /** The outgoing channel every service configures under {@code mp.messaging.outgoing.ferry-events.*}. */
    public static final String CHANNEL = "ferry-events";

    private final MutinyEmitter<byte[]> emitter;
    private final EventSource source;
    private final Duration sendTimeout;
    private final Clock clock;

    public KafkaEventPublisher(@Channel(CHANNEL) MutinyEmitter<byte[]> emitter,
                               @ConfigProperty(name = "quarkus.application.name") String service,
                               ServiceSettings settings, Clock clock) {
        this.emitter = emitter;
        this.source = new EventSource(service, settings.cluster());
        this.sendTimeout = settings.messaging().sendTimeout();
        this.clock = clock;
    }

    @Override
    public void publish(FerryEvent event) {
        emitter.sendMessage(KafkaCloudEvents.message(event, source, clock)).await().atMost(sendTimeout);
    }
}
