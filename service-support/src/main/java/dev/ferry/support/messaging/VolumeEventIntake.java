package dev.ferry.support.messaging;

import dev.ferry.events.VolumeEvent;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.support.step.StepInterrupted;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * How a consumer of a volume's events takes one record: a record that cannot be read is
 * dead-lettered (nack, with the reason); a readable one is handled with its backup and volume in the
 * log context and acknowledged after; a handler stopped by shutdown leaves its record uncommitted,
 * so that it is delivered again.
 */
public final class VolumeEventIntake {

    private static final Logger LOG = Logger.getLogger(VolumeEventIntake.class);

    private VolumeEventIntake() {
    }

    /**
     * @param backupId     the event's backup id, for the log context
     * @param deadLettered called when the record goes to the dead-letter topic (a metric)
     * @param handler      the step, given the event and the record's headers
     */
    public static <T extends VolumeEvent> CompletionStage<Void> take(Message<byte[]> message, Class<T> type, Function<T, String> backupId,
                                                                     Runnable deadLettered, BiConsumer<T, Map<String, String>> handler) {
        Map<String, String> headers = KafkaCloudEvents.headers(message);
        T event;
        try {
            event = EventJson.readRecord(headers, message.getPayload(), type);
        } catch (InvalidEventException e) {
            LOG.warnf("dead-lettering an unreadable record: %s", e.getMessage());
            deadLettered.run();
            return message.nack(e);
        }
        MDC.put("backupId", backupId.apply(event));
        MDC.put("volume", event.volume().subject());
        try {
            handler.accept(event, headers);
            return message.ack();
        } catch (StepInterrupted e) {
            // Shutting down: neither ack nor dead-letter. The record stays uncommitted and is delivered again.
            LOG.info("step stopped while waiting to retry; left for redelivery");
            return new CompletableFuture<>();
        } finally {
            MDC.remove("backupId");
            MDC.remove("volume");
        }
    }
}
