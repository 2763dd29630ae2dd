package dev.ferry.restore.run;

import dev.ferry.events.DrillTrigger;
import dev.ferry.restore.RestoreRefused;
import dev.ferry.restore.drill.DrillHistory;
import dev.ferry.restore.drill.DrillMetrics;
import dev.ferry.restore.drill.DrillRecord;
import dev.ferry.restore.drill.DrillRefused;
import dev.ferry.restore.drill.DrillRequest;
import dev.ferry.restore.drill.DrillRunner;
import dev.ferry.restore.drill.DrillSchedule;
import dev.ferry.restore.drill.DrillSchedules;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Starts the drills the DR cluster's DrillSchedules ask for: a schedule's next drill is due {@code every} after the start of
 * its last (at once when it has none), unless a drill of the application runs. A scheduled drill that cannot start (no
 * complete restore point, a region-B snapshot gone) is kept as a failed drill, so that it shows and alerts.
 */
@ApplicationScoped
public class DrillScheduler {

    private static final Logger LOG = Logger.getLogger(DrillScheduler.class);
    /** What a scheduled drill's {@code requestedBy} says, as scheduled backups say {@code schedule}. */
    static final String REQUESTED_BY = "schedule";

    private final DrillSchedules schedules;
    private final DrillRunner runner;
    private final DrillHistory history;
    private final DrillMetrics metrics;
    private final Clock clock;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile boolean historyShown;

    public DrillScheduler(DrillSchedules schedules, DrillRunner runner, DrillHistory history, DrillMetrics metrics, Clock clock) {
        this.schedules = schedules;
        this.runner = runner;
        this.history = history;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** When the schedule's next drill is due: {@code every} after its last one started; now when it has none. */
    public Instant nextDrillAt(DrillSchedule schedule) {
        return history.last(schedule.application(), schedule.name()).map(r -> r.result().startedAt().plus(schedule.every()))
                .orElse(clock.instant());
    }

    @Scheduled(every = "${ferry.drills.schedule-every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        startDue();
    }

    /** Starts the drills that are due, one per schedule at most. */
    public void startDue() {
        try {
            showHistory();
            Map<DrillSchedule, Duration> running = new HashMap<>();
            for (DrillSchedule schedule : schedules.list()) {
                if (!schedule.valid()) {
                    if (warned.add(schedule.name() + schedule.problems())) {
                        LOG.warnf("DrillSchedule %s starts no drill: %s", schedule.name(), String.join("; ", schedule.problems()));
                    }
                    continue;
                }
                if (schedule.suspend()) {
                    continue;
                }
                running.put(schedule, schedule.every());
                if (!runner.runs(schedule.application()) && !nextDrillAt(schedule).isAfter(clock.instant())) {
                    start(schedule);
                }
            }
            metrics.intervals(running);
        } catch (RuntimeException e) {
            LOG.errorf("the drill schedules could not be read or started: %s; next tick", e.getMessage());
        }
    }

    private void start(DrillSchedule schedule) {
        DrillRequest request = new DrillRequest("drill-" + UUID.randomUUID(), DrillTrigger.SCHEDULED, schedule.name(),
                schedule.sourceCluster(), schedule.namespace(), schedule.check(), REQUESTED_BY);
        try {
            runner.start(request, (point, target, createNamespace) -> {
                // The schedule is the cluster administrator's: whoever may create DrillSchedules may drill any application.
            });
        } catch (DrillRefused e) {
            LOG.debugf("DrillSchedule %s: %s", schedule.name(), e.getMessage());
        } catch (RestoreRefused e) {
            runner.refused(request, schedule.sourceCluster(), e);
        }
    }

    /**
     * Shows the kept drills in the metrics, once the history could be read: each application's newest drill, and its newest
     * passed one (replayed oldest first, so the newest of each wins).
     */
    private void showHistory() {
        if (historyShown) {
            return;
        }
        List<DrillRecord> newestFirst = history.list();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            metrics.show(newestFirst.get(i));
        }
        historyShown = true;
    }
}
