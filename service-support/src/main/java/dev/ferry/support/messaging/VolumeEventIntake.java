package dev.ferry.support.messaging;

import dev.ferry.events.VolumeEvent;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.support.step.StepInterrupted;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * How a consumer of a volume's events takes one record: a record that cannot be read, or whose step
 * fails in a way it could not report, is dead-lettered ({@link DeadLetters}); a readable one is
 * handled with its backup and volume in the log context and acknowledged after; a handler stopped by
 * shutdown leaves its record uncommitted, so that it is delivered again.
 */
public final class VolumeEventIntake {

    private static final Logger LOG = Logger.getLogger(VolumeEventIntake.class);

    private VolumeEventIntake() {
    }

    /**
     * Takes a record whose step runs in the calling thread.
     *
     * @param backupId     the event's backup id, for the log context
     * @param deadLetters  where a record that cannot be read, or whose step fails unexpectedly, goes
     * @param handler      the step, given the event and the record's headers
     */
    public static <T extends VolumeEvent> CompletionStage<Void> take(Message<byte[]> message, Class<T> type, Function<T, String> backupId,
                                                                     DeadLetters deadLetters, BiConsumer<T, Map<String, String>> handler) {
        return takeAsync(message, type, backupId, deadLetters, (event, headers) -> {
            handler.accept(event, headers);
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * Takes a record whose step goes on after the call returns (on another thread, or inside Azure): the record is
     * acknowledged when the step's stage completes; a stage failed by {@link StepInterrupted} leaves it uncommitted.
     */
    public static <T extends VolumeEvent> CompletionStage<Void> takeAsync(Message<byte[]> message, Class<T> type,
                                                                          Function<T, String> backupId, DeadLetters deadLetters,
                                                                          BiFunction<T, Map<String, String>, CompletionStage<Void>> handler) {
        Map<String, String> headers = KafkaCloudEvents.headers(message);
        T event;
        try {
            event = EventJson.readRecord(headers, message.getPayload(), type);
        } catch (InvalidEventException e) {
            return deadLetters.unreadable(message, e);
        }
        CompletionStage<Void> step;
        try {
            step = inLogContext(backupId.apply(event), event, () -> handler.apply(event, headers));
        } catch (StepInterrupted e) {
            return leftForRedelivery();
        } catch (RuntimeException e) {
            return deadLetters.stepFailed(message, e);
        }
        return step.handle((done, failure) -> {
            Throwable cause = cause(failure);
            if (cause == null) {
                return message.ack();
            }
            if (cause instanceof StepInterrupted) {
                return VolumeEventIntake.<Void>leftForRedelivery();
            }
            return deadLetters.stepFailed(message, cause);
        }).thenCompose(stage -> stage);
    }

    /** What failed a stage: the exception a {@link CompletionException} wraps, or the failure itself (null for none). */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Runs {@code work} with the event's backup and volume in the log context, as the thread that took it does. */
    public static <R> R inLogContext(String backupId, VolumeEvent event, Supplier<R> work) {
        MDC.put("backupId", backupId);
        MDC.put("volume", event.volume().subject());
        try {
            return work.get();
        } finally {
            MDC.remove("backupId");
            MDC.remove("volume");
        }
    }

    private static <V> CompletionStage<V> leftForRedelivery() {
        // Shutting down: neither ack nor dead-letter. The record stays uncommitted and is delivered again.
        LOG.info("step stopped while waiting to retry; left for redelivery");
        return new CompletableFuture<>();
    }
}
