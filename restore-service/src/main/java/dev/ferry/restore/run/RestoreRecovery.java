package dev.ferry.restore.run;

import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.drill.DrillRunner;
import dev.ferry.restore.messaging.RestoreReporter;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * When the service starts, once the catalog is read: the restores the ledger keeps are known again, those that were under
 * way run again (in the background, like REST restores), and finished ones whose outcome was never sent are reported. A
 * drill's restore is not run again: its drill died with the service, and the sweep removes its objects. The service is not
 * ready until then, so that no caller is told a kept restore is unknown.
 */
@Readiness
@ApplicationScoped
public class RestoreRecovery implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(RestoreRecovery.class);

    private final RestoreService restores;
    private final RestoreWorkers workers;
    private final RestoreReporter reporter;
    private final CatalogView view;
    private final AtomicBoolean recovered = new AtomicBoolean();

    public RestoreRecovery(RestoreService restores, RestoreWorkers workers, RestoreReporter reporter, CatalogView view) {
        this.restores = restores;
        this.workers = workers;
        this.reporter = reporter;
        this.view = view;
    }

    /** Ready once the ledger has been read back. */
    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kept-restores").status(recovered.get()).build();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void recoverOnce() {
        if (recovered.get() || !view.loaded()) {
            return;
        }
        try {
            List<RestoreRun> pending = restores.recover(plan -> plan.targetNamespace().equals(DrillRunner.scratchNamespace(plan.restoreId())));
            for (RestoreRun run : pending) {
                if (run.finished()) {
                    reporter.finished(run, null, null);
                } else {
                    workers.start(run);
                }
            }
            if (!pending.isEmpty()) {
                LOG.infof("%d restores taken up again after the service started", pending.size());
            }
            recovered.set(true);
        } catch (RuntimeException e) {
            LOG.errorf("the kept restores could not be read; trying again in 1 s: %s", e.getMessage());
        }
    }
}
