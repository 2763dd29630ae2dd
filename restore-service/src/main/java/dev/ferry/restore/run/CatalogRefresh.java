package dev.ferry.restore.run;

import dev.ferry.restore.catalog.CatalogLoader;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Builds the view from the storage account when the service starts (the catalog, not Kafka, is
 * the source of truth), and reads it again on {@code ferry.catalog.refresh-every}.
 */
@ApplicationScoped
public class CatalogRefresh {

    private static final Logger LOG = Logger.getLogger(CatalogRefresh.class);

    private final CatalogLoader loader;
    private final AtomicBoolean read = new AtomicBoolean();

    public CatalogRefresh(CatalogLoader loader) {
        this.loader = loader;
    }

    /**
     * Reads the catalog as the service starts and, until that succeeds (storage may be unreachable for
     * a while), every 5 s; once it has, this job does nothing more.
     */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void firstRead() {
        if (read.get()) {
            return;
        }
        try {
            loader.refresh();
            read.set(true);
        } catch (RuntimeException e) {
            LOG.errorf("the catalog could not be read from storage at start; trying again in 5 s: %s", e.getMessage());
        }
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
