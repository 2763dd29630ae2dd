package dev.ferry.restore.catalog;

import dev.ferry.events.RecoveryObjectives;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The recovery point objective as metrics: per source cluster and namespace, the age of the newest complete restore
 * point in region B ({@code ferry_restore_point_age_seconds}) and the RPO target its policy states
 * ({@code ferry_restore_point_rpo_target_seconds}, NaN when none), so that an alert compares the two; likewise its RTO
 * target ({@code ferry_restore_point_rto_target_seconds}) for the measured restore times.
 */
@ApplicationScoped
public class RecoveryPointMetrics {

    private final CatalogView view;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Set<String> tracked = ConcurrentHashMap.newKeySet();

    public RecoveryPointMetrics(CatalogView view, MeterRegistry metrics, Clock clock) {
        this.view = view;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Adds a gauge for every application the catalog knows. */
    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void track() {
        for (RestorePoint point : view.list(Optional.empty(), Optional.empty())) {
            if (tracked.add(point.sourceCluster() + "/" + point.namespace())) {
                String cluster = point.sourceCluster();
                String namespace = point.namespace();
                gauge("ferry.restore.point.age.seconds", "Age of the newest complete restore point in region B", cluster, namespace,
                        () -> age(cluster, namespace));
                gauge("ferry.restore.point.rpo.target.seconds", "The RPO target the newest complete restore point's policy states; NaN when none",
                        cluster, namespace, () -> target(cluster, namespace, RecoveryObjectives::rpoTargetSeconds));
                gauge("ferry.restore.point.rto.target.seconds", "The RTO target the newest complete restore point's policy states; NaN when none",
                        cluster, namespace, () -> target(cluster, namespace, RecoveryObjectives::rtoTargetSeconds));
            }
        }
    }

    private double age(String cluster, String namespace) {
        return newest(cluster, namespace).map(p -> Duration.between(p.recoveryPointAt(), clock.instant()).toMillis() / 1000.0)
                .orElse(Double.NaN);
    }

    /** One of the objectives of the application's newest complete restore point, in seconds; NaN when its policy states none. */
    private double target(String cluster, String namespace, Function<RecoveryObjectives, Long> objective) {
        return newest(cluster, namespace).map(RestorePoint::objectives).map(objective).map(Long::doubleValue).orElse(Double.NaN);
    }

    private void gauge(String name, String description, String cluster, String namespace, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag("cluster", cluster).tag("namespace", namespace).register(metrics);
    }

    private Optional<RestorePoint> newest(String cluster, String namespace) {
        return view.list(Optional.of(namespace), Optional.of(cluster)).stream().filter(RestorePoint::complete).findFirst();
    }
}
