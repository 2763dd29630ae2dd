package dev.ferry.snapshot.run;

import dev.ferry.snapshot.config.SnapshotConfig;
import dev.ferry.snapshot.policy.PolicyScheduler;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Ticks the BackupPolicy scheduler every {@code ferry.policies.tick} on Quarkus' scheduler, one tick
 * at a time; on a replica with {@code ferry.policies.enabled=false} every tick is skipped.
 */
@ApplicationScoped
public class PolicyTicker {

    private static final Logger LOG = Logger.getLogger(PolicyTicker.class);

    private final PolicyScheduler scheduler;

    public PolicyTicker(PolicyScheduler scheduler) {
        this.scheduler = scheduler;
    }

    void announce(@Observes StartupEvent startup, SnapshotConfig config) {
        if (config.policies().enabled()) {
            LOG.infof("BackupPolicy schedules are checked every %s", config.policies().tick());
        } else {
            LOG.info("BackupPolicy schedules are off on this replica (ferry.policies.enabled=false)");
        }
    }

    @Scheduled(every = "${ferry.policies.tick:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = PoliciesOff.class)
    void tick() {
        scheduler.tick();
    }

    /** Skips the ticks of a replica that does not schedule policies. */
    @Singleton
    public static class PoliciesOff implements Scheduled.SkipPredicate {

        private final SnapshotConfig config;

        public PoliciesOff(SnapshotConfig config) {
            this.config = config;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !config.policies().enabled();
        }
    }
}
