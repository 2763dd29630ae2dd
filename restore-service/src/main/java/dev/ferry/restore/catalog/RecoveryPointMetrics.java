package dev.ferry.restore.catalog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
                Gauge.builder("ferry.restore.point.age.seconds", () -> age(point.sourceCluster(), point.namespace()))
                        .description("Age of the newest complete restore point in region B")
                        .tag("cluster", point.sourceCluster()).tag("namespace", point.namespace()).register(metrics);
                Gauge.builder("ferry.restore.point.rpo.target.seconds", () -> rpoTarget(point.sourceCluster(), point.namespace()))
                        .description("The RPO target the newest complete restore point's policy states; NaN when none")
                        .tag("cluster", point.sourceCluster()).tag("namespace", point.namespace()).register(metrics);
                Gauge.builder("ferry.restore.point.rto.target.seconds", () -> rtoTarget(point.sourceCluster(), point.namespace()))
                        .description("The RTO target the newest complete restore point's policy states; NaN when none")
                        .tag("cluster", point.sourceCluster()).tag("namespace", point.namespace()).register(metrics);
            }
        }
    }

    private double age(String cluster, String namespace) {
        return newest(cluster, namespace).map(p -> Duration.between(p.recoveryPointAt(), clock.instant()).toMillis() / 1000.0)
                .orElse(Double.NaN);
    }

    private double rpoTarget(String cluster, String namespace) {
        return newest(cluster, namespace).map(RestorePoint::objectives).filter(o -> o.rpoTargetSeconds() != null)
                .map(o -> (double) o.rpoTargetSeconds()).orElse(Double.NaN);
    }

    private double rtoTarget(String cluster, String namespace) {
        return newest(cluster, namespace).map(RestorePoint::objectives).filter(o -> o.rtoTargetSeconds() != null)
                .map(o -> (double) o.rtoTargetSeconds()).orElse(Double.NaN);
    }

    private Optional<RestorePoint> newest(String cluster, String namespace) {
        return view.list(Optional.of(namespace), Optional.of(cluster)).stream().filter(RestorePoint::complete).findFirst();
    }
}
