package dev.ferry.restore.messaging;

import dev.ferry.events.RestoreRequested;
import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.restore.RestoreRefused;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.support.messaging.DeadLetters;
import dev.ferry.support.messaging.KafkaCloudEvents;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes {@code ferry.restore.requested} from other systems: runs each restore (several at once, on the
 * {@code restore-workers} pool) and acknowledges it
 * once its {@code RestoreCompleted} or {@code StepFailed} is sent. A record that cannot be read goes
 * to the dead-letter topic; a request that cannot be carried out gets a {@code StepFailed}.
 */
@ApplicationScoped
public class RestoreRequestedConsumer {

    private static final Logger LOG = Logger.getLogger(RestoreRequestedConsumer.class);

    private final RestoreService restores;
    private final RestoreReporter reporter;
    private final DeadLetters deadLetters;
    private final Set<String> openToEvents;

    public RestoreRequestedConsumer(RestoreService restores, RestoreReporter reporter, DeadLetters deadLetters, RestoreConfig config) {
        this.openToEvents = Set.copyOf(config.restore().eventTargetNamespaces().orElse(List.of()));
        this.restores = restores;
        this.reporter = reporter;
        this.deadLetters = deadLetters;
    }

    @Incoming(Channels.RESTORE_REQUESTED)
    @Blocking(value = "restore-workers", ordered = false)
    public CompletionStage<Void> consume(Message<byte[]> message) {
        Map<String, String> headers = KafkaCloudEvents.headers(message);
        RestoreRequested request;
        try {
            request = EventJson.readRecord(headers, message.getPayload(), RestoreRequested.class);
        } catch (InvalidEventException e) {
            return deadLetters.unreadable(message, e);
        }
        String causeId = headers.get(CloudEventAttributes.HEADER_ID);
        String causeType = headers.get(CloudEventAttributes.HEADER_TYPE);
        MDC.put("restoreId", request.restoreId());
        try {
            RestoreService.Accepted accepted = restores.accept(request, this::checkOpenToEvents);
            if (accepted.isNew()) {
                reporter.finished(restores.run(accepted.run()), causeId, causeType);
            } else {
                LOG.infof("restore %s is known (%s); whoever started it reports it", request.restoreId(), accepted.run().state());
            }
        } catch (RestoreRefused e) {
            LOG.warnf("restore %s refused: %s", request.restoreId(), e.getMessage());
            reporter.refused(request, e, causeId, causeType);
        } catch (RuntimeException e) {
            return deadLetters.stepFailed(message, e);
        } finally {
            MDC.remove("restoreId");
        }
        return message.ack();
    }

    /** An event carries no caller to ask the cluster about: only the configured target namespaces take restores by event. */
    private void checkOpenToEvents(RestorePoint point, String targetNamespace, boolean createNamespace) {
        if (!openToEvents.contains(targetNamespace)) {
            throw new RestoreRefused(RestoreRefused.Reason.NOT_ALLOWED, "restores requested by event may not restore into namespace "
                    + targetNamespace + ": it is not in ferry.restore.event-target-namespaces; use the REST API, which checks the "
                    + "caller's rights");
        }
    }
}
