package dev.ferry.restore.catalog;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Reads the whole catalog from storage into the view: at start, on a schedule, and when a restore asks for a point the view lacks. */
@ApplicationScoped
public class CatalogLoader {

    private static final Logger LOG = Logger.getLogger(CatalogLoader.class);

    private final Catalog catalog;
    private final CatalogView view;

    public CatalogLoader(Catalog catalog, CatalogView view) {
        this.catalog = catalog;
        this.view = view;
    }

    private volatile long lastRead = System.nanoTime() - java.time.Duration.ofDays(1).toNanos();

    /**
     * Reads the catalog again unless it was read less than {@code maxAge} ago: a request for an unknown
     * restore point must not cost a whole read of the catalog every time.
     */
    public void refreshUnlessFresh(java.time.Duration maxAge) {
        if (System.nanoTime() - lastRead > maxAge.toNanos()) {
            refresh();
        }
    }

    /** Replaces the view with the storage account's catalog; returns how many entries it read. */
    public synchronized int refresh() {
        long started = System.nanoTime();
        lastRead = started;
        var entries = catalog.readAll();
        view.replace(entries, started);
        LOG.debugf("catalog read: %d entries in %d ms", entries.size(), (System.nanoTime() - started) / 1_000_000);
        return entries.size();
    }
}
