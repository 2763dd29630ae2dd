package dev.ferry.restore.drill;

import dev.ferry.events.DrillCompleted;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Drills as metrics, per application ({@code cluster}, {@code namespace} of the source): the last drill's outcome (1 passed,
 * 0 failed), its measured time to recover, when a drill last passed, and the interval its DrillSchedule sets (NaN without
 * one); the drills by outcome; and the objects the last sweep found left behind by drills.
 */
@ApplicationScoped
public class DrillMetrics {

    private final MeterRegistry metrics;
    private final Map<String, Application> applications = new ConcurrentHashMap<>();
    private final AtomicReference<Double> leftovers = new AtomicReference<>();

    public DrillMetrics(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** What is shown of one application; NaN until known. */
    private static final class Application {
        volatile double outcome = Double.NaN;
        volatile double rtoSeconds = Double.NaN;
        volatile double lastPassed = Double.NaN;
        volatile double intervalSeconds = Double.NaN;
    }

    /** Counts a finished drill and shows it as its application's last. */
    void finished(DrillRecord record) {
        DrillCompleted result = record.result();
        metrics.counter("ferry.drills", "outcome", result.outcome().wireName()).increment();
        show(record);
    }

    /** Shows a drill as its application's last (on start, from the kept history). */
    public void show(DrillRecord record) {
        DrillCompleted result = record.result();
        Application app = application(result.sourceCluster(), result.sourceNamespace());
        boolean passed = result.failedStep() == null;
        app.outcome = passed ? 1 : 0;
        if (result.rtoMillis() != null) {
            app.rtoSeconds = result.rtoMillis() / 1000.0;
        }
        if (passed) {
            app.lastPassed = result.completedAt().toEpochMilli() / 1000.0;
        }
    }

    /**
     * The intervals of the DrillSchedules that run, by application ({@code <cluster>/<namespace>}, the shortest when several
     * cover one); every other application has none (NaN), so that a deleted or suspended schedule no longer counts as overdue.
     */
    public void intervals(Map<DrillSchedule, Duration> running) {
        Map<String, Double> shortest = new HashMap<>();
        running.forEach((schedule, every) -> shortest.merge(schedule.application(), (double) every.toSeconds(), Math::min));
        running.keySet().forEach(schedule -> application(schedule.sourceCluster(), schedule.namespace()));
        applications.forEach((key, app) -> app.intervalSeconds = shortest.getOrDefault(key, Double.NaN));
    }

    /** The count of drill objects the sweep found left behind; the gauge exists from the first sweep (at start) on. */
    public void leftovers(int count) {
        if (leftovers.getAndSet((double) count) == null) {
            Gauge.builder("ferry.drill.leftover.objects", leftovers, AtomicReference::get)
                    .description("Objects of finished drills the last sweep found on the DR cluster (and removed)").register(metrics);
        }
    }

    private Application application(String cluster, String namespace) {
        return applications.computeIfAbsent(DrillRecord.application(cluster, namespace), key -> {
            Application app = new Application();
            gauge("ferry.drill.last.outcome", "1 when the application's last drill passed, 0 when it failed", cluster, namespace,
                    () -> app.outcome);
            gauge("ferry.drill.last.rto.seconds", "The measured time to recover (every PVC ready) of the application's last drill "
                    + "that restored it", cluster, namespace, () -> app.rtoSeconds);
            gauge("ferry.drill.last.success.timestamp.seconds", "When the application's last passed drill ended (Unix time)",
                    cluster, namespace, () -> app.lastPassed);
            gauge("ferry.drill.interval.seconds", "The interval of the application's DrillSchedule; NaN when it has none",
                    cluster, namespace, () -> app.intervalSeconds);
            return app;
        });
    }

    private void gauge(String name, String description, String cluster, String namespace, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag("cluster", cluster).tag("namespace", namespace).register(metrics);
    }
}
