package dev.ferry.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.RestoreRequested;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.messaging.KafkaCloudEvents;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

class KafkaCloudEventsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T22:00:00Z"), ZoneOffset.UTC);

    private static RestoreRequested restore(String namespace) {
        return new RestoreRequested(FerryEvent.SCHEMA_VERSION, "r-1", "corr-1", null, null, namespace, null, null, false, false, null,
                Instant.parse("2026-11-23T21:00:00Z"));
    }

    @Test
    void aMessageCarriesTheJsonTheKeyAndTheCloudEventsHeaders() {
        Message<byte[]> message = KafkaCloudEvents.message(restore("shop"), new EventSource("restore-service", "dr"), CLOCK);

        OutgoingKafkaRecordMetadata<?> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertThat(metadata.getKey()).isEqualTo("r-1");
        assertThat(new String(metadata.getHeaders().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("ferry.restore.requested.v1");
        assertThat(new String(metadata.getHeaders().lastHeader("ce_source").value(), StandardCharsets.UTF_8))
                .isEqualTo("/ferry/restore-service/dr");
        assertThat(EventJson.read(message.getPayload(), RestoreRequested.class)).isEqualTo(restore("shop"));
    }

    @Test
    void anInvalidEventIsNeverSent() {
        assertThatThrownBy(() -> KafkaCloudEvents.message(restore("Not_Valid"), new EventSource("restore-service", "dr"), CLOCK))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void aReceivedRecordsHeadersAreReadAsText() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("ferry.restore.requested", 0, 0L, "r-1", new byte[0]);
        record.headers().add("ce_type", "ferry.restore.requested.v1".getBytes(StandardCharsets.UTF_8));
        record.headers().add("empty", null);
        Message<byte[]> message = Message.of(new byte[0]).addMetadata(new IncomingKafkaRecordMetadata<>(record, "channel"));

        assertThat(KafkaCloudEvents.headers(message)).containsExactly(java.util.Map.entry("ce_type", "ferry.restore.requested.v1"));
    }

    @Test
    void onlyFailuresThatMayPassAreRetryable() {
        assertThat(new AzureCallFailed("TooManyRequests", 429, "m", null).retryable()).isTrue();
        assertThat(new AzureCallFailed("ServerBusy", 503, "m", null).retryable()).isTrue();
        assertThat(new AzureCallFailed("AzureUnreachable", 0, "m", null).retryable()).isTrue();
        assertThat(new AzureCallFailed("InvalidParameter", 400, "m", null).retryable()).isFalse();
        assertThat(new AzureCallFailed("ResourceNotFound", 404, "m", null).retryable()).isFalse();
    }
}
