package dev.ferry.support.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import io.micrometer.core.instrument.Counter;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads the records of a topic that a service follows (to show progress) but does not own. A record it cannot read is
 * counted and skipped, not dead-lettered: the topic's own consumer dead-letters it, so its dead-letter topic holds each
 * bad record once.
 */
public final class FollowedRecords {

    private static final Logger LOG = Logger.getLogger(FollowedRecords.class);

    private FollowedRecords() {
    }

    /** The record's event, or empty (counted in {@code unreadable}) when it is not a valid event of that type. */
    public static <T extends FerryEvent> Optional<T> read(Message<byte[]> message, Class<T> type, Counter unreadable) {
        try {
            return Optional.of(EventJson.readRecord(KafkaCloudEvents.headers(message), message.getPayload(), type));
        } catch (InvalidEventException e) {
            LOG.debugf("skipping an unreadable %s record: %s", type.getSimpleName(), e.getMessage());
            unreadable.increment();
            return Optional.empty();
        }
    }
}
