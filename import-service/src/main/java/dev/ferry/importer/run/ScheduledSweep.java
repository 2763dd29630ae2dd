package dev.ferry.importer.run;

import dev.ferry.importer.Sweeper;
import dev.ferry.importer.config.ImportConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Runs the sweeper on the configured period ({@code ferry.sweeper.every}, or {@code off}). */
@ApplicationScoped
public class ScheduledSweep {

    private final Sweeper sweeper;
    private final ImportConfig config;

    public ScheduledSweep(Sweeper sweeper, ImportConfig config) {
        this.sweeper = sweeper;
        this.config = config;
    }

    @Scheduled(every = "${ferry.sweeper.every:6h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        sweeper.sweep(config.sweeper().minAge(), config.sweeper().replicaGrace(), config.sweeper().delete());
    }
}
