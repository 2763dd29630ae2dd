package dev.ferry.export.messaging;

import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.kafka.TopicProbe;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The export service's ITs talk to it as snapshot-service does: a SnapshotTaken on the real broker, then the event it answers with. */
final class SourceClusterEvents {

    private static final EventSource SNAPSHOTTER = new EventSource("snapshot-service", "aks-source");

    private SourceClusterEvents() {
    }

    static void send(SnapshotTaken taken) {
        EventEnvelope envelope = EventEnvelope.of(taken, SNAPSHOTTER, Clock.systemUTC());
        kafka().send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.write(taken));
    }

    /** The one record of {@code topic} about the backup, waiting at most {@code wait}. */
    static TopicProbe.Received await(String topic, String backupId, Duration wait) {
        List<TopicProbe.Received> found = kafka().read(topic, r -> r.text().contains(backupId), 1, wait);
        assertThat(found).as("%s of %s", topic, backupId).hasSize(1);
        return found.get(0);
    }
}
