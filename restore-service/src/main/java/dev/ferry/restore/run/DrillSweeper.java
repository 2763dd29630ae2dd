package dev.ferry.restore.run;

import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.restore.drill.DrillCluster;
import dev.ferry.restore.drill.DrillLabels;
import dev.ferry.restore.drill.DrillMetrics;
import dev.ferry.restore.drill.DrillRunner;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Removes what drills left on the DR cluster (a service killed mid-drill, a cleanup that timed out): every scratch namespace
 * whose drill does not run here, with the objects labelled with its drill's id; at once when the drill's restore is known to
 * have ended (the drill died with an earlier run of the service, whose restores it read back), else once the namespace is
 * older than {@code ferry.drills.sweep-grace} (a drill of another replica may still use it).
 * What it found is the gauge {@code ferry_drill_leftover_objects}.
 */
@ApplicationScoped
public class DrillSweeper {

    private static final Logger LOG = Logger.getLogger(DrillSweeper.class);

    private final DrillCluster cluster;
    private final DrillRunner runner;
    private final RestoreService restores;
    private final DrillMetrics metrics;
    private final Clock clock;
    private final Duration grace;

    public DrillSweeper(DrillCluster cluster, DrillRunner runner, RestoreService restores, DrillMetrics metrics, Clock clock,
                        RestoreConfig config) {
        this.cluster = cluster;
        this.runner = runner;
        this.restores = restores;
        this.metrics = metrics;
        this.clock = clock;
        this.grace = config.drills().sweepGrace();
    }

    @Scheduled(every = "${ferry.drills.sweep-every:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.errorf("the sweep for drill leftovers failed: %s; next time", e.getMessage());
        }
    }

    /** Removes the leftovers; returns how many objects it found. */
    public int sweep() {
        int found = 0;
        for (DrillCluster.ScratchNamespace scratch : cluster.scratchNamespaces()) {
            String drillId = scratch.labels().get(DrillLabels.DRILL_ID);
            if (runner.findRunning(drillId).isPresent()) {
                continue;
            }
            // A drill that runs nowhere here but whose restore has ended died with an earlier run of this service: its
            // leftovers go at once, so that its application is not locked for the grace period.
            boolean dead = restores.find(drillId).map(RestoreRun::finished).orElse(false);
            if (!dead && scratch.createdAt().plus(grace).isAfter(clock.instant())) {
                continue;
            }
            Map<String, Integer> left = cluster.drillObjects(scratch.name(), drillId);
            found += left.values().stream().mapToInt(Integer::intValue).sum();
            LOG.warnf("drill %s left %s on the DR cluster; removing them", drillId, left);
            cluster.deleteDrillObjects(scratch.name(), drillId);
        }
        metrics.leftovers(found);
        return found;
    }
}
