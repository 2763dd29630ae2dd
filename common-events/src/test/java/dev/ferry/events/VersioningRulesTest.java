package dev.ferry.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The versioning rules of common-events' README, one test each, for every event type. */
class VersioningRulesTest {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void aLaterSchemaVersionOfAKnownTypeIsReadAndWhatItAddsIsIgnored(EventType type) throws IOException {
        ObjectNode json = example(type);
        json.put("schemaVersion", 2);
        json.putObject("addedInVersion2").put("anything", true);

        assertThat(Contract.schemaErrors(type, json)).isEmpty();
        FerryEvent event = EventJson.read(EventJson.mapper().writeValueAsBytes(json), type);
        assertThat(event.schemaVersion()).isEqualTo(2);
        assertThat(Contract.tree(EventJson.write(event)).has("addedInVersion2")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void anUnknownFieldIsIgnoredWhateverItsValueEvenNull(EventType type) throws IOException {
        ObjectNode json = example(type);
        json.putNull("unknownAndNull");
        json.putArray("unknownList").addNull();

        assertThat(Contract.schemaErrors(type, json)).isEmpty();
        assertThat(EventJson.read(EventJson.mapper().writeValueAsBytes(json), type)).isInstanceOf(type.payload());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void aCeTypeTheReaderDoesNotKnowIsRefusedNamingTheHeaderNeverGuessed(EventType type) throws IOException {
        byte[] json = EventJson.mapper().writeValueAsBytes(example(type));
        String newer = type.type().replace(".v1", ".v2");

        assertThatThrownBy(() -> EventJson.readRecord(Map.of(CloudEventAttributes.HEADER_TYPE, newer), json, type.payload()))
                .isInstanceOf(InvalidEventException.class)
                .satisfies(e -> assertThat(((InvalidEventException) e).fields()).containsExactly(CloudEventAttributes.HEADER_TYPE));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void aRecordWithoutCeTypeIsReadAsTheTypeItsTopicCarries(EventType type) throws IOException {
        byte[] json = EventJson.mapper().writeValueAsBytes(example(type));

        assertThat(EventJson.readRecord(Map.of(), json, type.payload())).isInstanceOf(type.payload());
    }

    private static ObjectNode example(EventType type) {
        return (ObjectNode) Contract.tree(Contract.example(type.type() + ".valid.json"));
    }
}
