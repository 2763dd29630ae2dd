package dev.ferry.events.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.events.EventType;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.RestoreRequested;
import dev.ferry.events.Topics;
import dev.ferry.events.validation.InvalidEventException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CloudEventAttributesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T22:00:00Z"), ZoneOffset.UTC);
    private static final EventSource SOURCE = new EventSource("restore-service", "aks-dr-westus");

    private static RestoreRequested restore(String namespace) {
        return new RestoreRequested(FerryEvent.SCHEMA_VERSION, "r-1", "corr-9", null, null, namespace, "shop-dr",
                null, true, false, null, Instant.parse("2026-11-23T21:59:00Z"));
    }

    @Test
    void buildsEveryAttributeAndTheKafkaKey() {
        EventEnvelope envelope = EventEnvelope.of(restore("shop"), SOURCE, CLOCK);
        CloudEventAttributes attributes = envelope.attributes();

        assertThat(envelope.topic()).isEqualTo(Topics.RESTORE_REQUESTED);
        assertThat(envelope.key()).isEqualTo("r-1");
        assertThat(UUID.fromString(attributes.id())).isNotNull();
        assertThat(attributes.source()).isEqualTo(URI.create("/ferry/restore-service/aks-dr-westus"));
        assertThat(attributes.type()).isEqualTo("ferry.restore.requested.v1");
        assertThat(attributes.subject()).isEqualTo("shop-dr");
        assertThat(attributes.time()).isEqualTo(CLOCK.instant());
        assertThat(attributes.dataContentType()).isEqualTo("application/json");
        assertThat(attributes.dataSchema()).isEqualTo(URI.create("https://ferry.dev/schemas/ferry.restore.requested.v1.schema.json"));
        assertThat(EventEnvelope.of(restore("shop"), SOURCE, CLOCK).attributes().id()).isNotEqualTo(attributes.id());
    }

    @Test
    void kafkaHeadersRoundTrip() {
        CloudEventAttributes attributes = EventEnvelope.of(restore("shop"), SOURCE, CLOCK).attributes();

        Map<String, String> headers = attributes.kafkaHeaders();

        assertThat(headers).containsEntry("ce_specversion", "1.0").containsEntry("ce_type", "ferry.restore.requested.v1")
                .containsEntry("content-type", "application/json").containsEntry("ce_time", "2026-11-23T22:00:00Z");
        assertThat(CloudEventAttributes.fromKafkaHeaders(headers)).isEqualTo(attributes);
    }

    @Test
    void readingHeadersNamesWhatIsMissing() {
        Map<String, String> headers = new HashMap<>(EventEnvelope.of(restore("shop"), SOURCE, CLOCK).attributes().kafkaHeaders());
        headers.remove("ce_type");

        assertThatThrownBy(() -> CloudEventAttributes.fromKafkaHeaders(headers)).hasMessageContaining("ce_type");
        assertThatThrownBy(() -> CloudEventAttributes.fromKafkaHeaders(Map.of())).hasMessageContaining("ce_specversion");
    }

    @Test
    void anInvalidPayloadIsNeverEnveloped() {
        assertThatThrownBy(() -> EventEnvelope.of(restore("Not_A_Namespace"), SOURCE, CLOCK))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("namespace");
    }

    @Test
    void sourceNamesAreChecked() {
        assertThatThrownBy(() -> new EventSource("Export Service", "c")).hasMessageContaining("service");
    }

    @Test
    void everyTypeNamesItsTopic() {
        assertThat(EventType.SNAPSHOT_TAKEN.topic()).isEqualTo(Topics.SNAPSHOT_TAKEN);
        assertThat(Topics.dlq(Topics.SNAPSHOT_TAKEN)).isEqualTo("ferry.snapshot.taken.dlq");
        assertThat(EventType.fromType("ferry.vhd.exported.v1")).contains(EventType.VHD_EXPORTED);
        assertThat(EventType.fromType("ferry.vhd.exported.v2")).isEmpty();
    }
}
