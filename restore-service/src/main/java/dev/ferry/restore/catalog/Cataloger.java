package dev.ferry.restore.catalog;

import dev.ferry.events.SnapshotRecreated;
import jakarta.enterprise.context.ApplicationScoped;

/** Records each volume that reached region B in the catalog, and tells what its restore point now looks like. */
@ApplicationScoped
public class Cataloger {

    /**
     * What recording one volume did.
     *
     * @param point the volume's restore point after the write; absent after a conflict
     */
    public record Outcome(Catalog.Recorded recorded, CatalogEntry entry, RestorePoint point) {
    }

    private final Catalog catalog;
    private final CatalogView view;

    public Cataloger(Catalog catalog, CatalogView view) {
        this.catalog = catalog;
        this.view = view;
    }

    /**
     * Writes the volume's entry unless it is there already; a conflicting entry (another copy of the
     * volume, or the backup id of another namespace) is kept, never overwritten or joined.
     */
    public Outcome record(SnapshotRecreated event) {
        CatalogEntry entry = CatalogEntry.of(event);
        if (view.conflict(entry).isPresent()) {
            return new Outcome(Catalog.Recorded.CONFLICT, entry, null);
        }
        Catalog.Recorded recorded = catalog.record(entry);
        if (recorded == Catalog.Recorded.CONFLICT) {
            return new Outcome(recorded, entry, null);
        }
        return new Outcome(recorded, entry, view.add(entry));
    }
}
