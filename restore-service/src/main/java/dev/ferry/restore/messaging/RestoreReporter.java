package dev.ferry.restore.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.RestoreCompleted;
import dev.ferry.events.RestoreRequested;
import dev.ferry.events.StepFailed;
import dev.ferry.restore.RestoreRefused;
import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.support.messaging.EventPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Tells the other systems how a restore ended: {@code RestoreCompleted} with the measured restore
 * time, or {@code StepFailed}; and keeps the restore metrics. A restore started over REST is not
 * undone when Kafka cannot be reached (region A, and with it the brokers, may be gone): the event
 * is then only logged as lost.
 */
@ApplicationScoped
public class RestoreReporter {

    private static final Logger LOG = Logger.getLogger(RestoreReporter.class);

    private final EventPublisher publisher;
    private final RestoreService restores;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final AtomicLong lastRestoreMillis = new AtomicLong(-1);
    /** Per backed-up application ({@code <cluster>/<namespace>}), its last completed restore's measured time. */
    private final Map<String, AtomicLong> lastRestoreMillisOf = new ConcurrentHashMap<>();

    public RestoreReporter(EventPublisher publisher, RestoreService restores, MeterRegistry metrics, Clock clock) {
        this.publisher = publisher;
        this.restores = restores;
        this.metrics = metrics;
        this.clock = clock;
        metrics.gauge("ferry.restore.last.duration.seconds", lastRestoreMillis, millis -> millis.get() < 0 ? Double.NaN : millis.get() / 1000.0);
    }

    /**
     * Reports a finished restore; the cause ids name the event that asked for it, when one did. Once its event is sent, the
     * ledger notes it, so that a restarted service does not report it again.
     */
    public void finished(RestoreRun run, String causeEventId, String causeEventType) {
        boolean sent = false;
        if (run.state() == RestoreRun.State.COMPLETED) {
            lastRestoreMillis.set(run.duration().toMillis());
            lastRestoreOf(run.point().sourceCluster(), run.point().namespace()).set(run.duration().toMillis());
            metrics.timer("ferry.restore.duration").record(run.duration());
            metrics.counter("ferry.restores", "outcome", "completed").increment();
            RestoreRequested request = run.request();
            sent = publish(new RestoreCompleted(FerryEvent.SCHEMA_VERSION, run.restoreId(), request.correlationId(), run.point().id(),
                    run.point().sourceCluster(), run.point().namespace(), run.targetNamespace(), run.volumes(),
                    run.point().recoveryPointAt(), run.duration().toMillis(), run.startedAt(), run.completedAt()), true);
        } else if (run.state() == RestoreRun.State.FAILED) {
            metrics.counter("ferry.restores", "outcome", "failed").increment();
            sent = publish(StepFailed.ofRestore(run.restoreId(), run.request().correlationId(), run.errorCode(), run.error(), true,
                    causeEventId, causeEventType, clock.instant()), false);
        }
        if (sent) {
            restores.reported(run);
        }
    }

    /**
     * The gauge {@code ferry_restore_application_last_duration_seconds{cluster,namespace}}: the measured restore time (RTO) of
     * the application's last completed restore, to compare with its policy's RTO target.
     */
    private AtomicLong lastRestoreOf(String cluster, String namespace) {
        return lastRestoreMillisOf.computeIfAbsent(cluster + "/" + namespace, key -> {
            AtomicLong millis = new AtomicLong();
            Gauge.builder("ferry.restore.application.last.duration.seconds", millis, m -> m.get() / 1000.0)
                    .description("The measured time of the application's last completed restore")
                    .tag("cluster", cluster).tag("namespace", namespace).register(metrics);
            return millis;
        });
    }

    /** Reports a request that was refused before anything was created. */
    public void refused(RestoreRequested request, RestoreRefused refused, String causeEventId, String causeEventType) {
        metrics.counter("ferry.restores", "outcome", "refused").increment();
        publish(StepFailed.ofRestore(request.restoreId(), request.correlationId(), refused.code(), refused.getMessage(),
                refused.retryable(), causeEventId, causeEventType, clock.instant()), false);
    }

    /** Sends the event; false when Kafka did not take it (logged). */
    private boolean publish(FerryEvent event, boolean completed) {
        try {
            publisher.publish(event);
            return true;
        } catch (RuntimeException e) {
            LOG.errorf("the %s event of this restore could not be sent (Kafka unreachable?): %s",
                    completed ? "restore.completed" : "step.failed", e.getMessage());
            return false;
        }
    }
}
