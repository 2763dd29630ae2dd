package dev.ferry.restore.catalog;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Builds the view from the storage account when the service starts (the catalog, not Kafka, is
 * the source of truth), and reads it again on {@code ferry.catalog.refresh-every}.
 */
@ApplicationScoped
public class CatalogRefresh {

    private static final Logger LOG = Logger.getLogger(CatalogRefresh.class);

    private final CatalogLoader loader;

    public CatalogRefresh(CatalogLoader loader) {
        this.loader = loader;
    }

    /** Reads the catalog at start; until that succeeds (storage may be unreachable for a while), tries again every 5 s. */
    void onStart(@Observes StartupEvent start) {
        Thread firstRead = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    loader.refresh();
                    return;
                } catch (RuntimeException e) {
                    LOG.errorf("the catalog could not be read from storage at start; trying again in 5 s: %s", e.getMessage());
                }
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "catalog-start");
        firstRead.setDaemon(true);
        firstRead.start();
    }

    @Scheduled(every = "${ferry.catalog.refresh-every:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            int entries = loader.refresh();
            LOG.debugf("catalog view rebuilt from storage: %d volume entries", entries);
        } catch (RuntimeException e) {
            LOG.errorf("the catalog could not be read from storage; the view stays as it was: %s", e.getMessage());
        }
    }
}
