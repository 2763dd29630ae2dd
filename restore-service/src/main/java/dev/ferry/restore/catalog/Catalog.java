package dev.ferry.restore.catalog;

import java.util.List;

/** The restore-point catalog in region B's storage account: one document per volume of a backup. */
public interface Catalog {

    /** What {@link #record} did. */
    enum Recorded {
        /** The entry was written. */
        CREATED,
        /** The same entry was there already (a redelivered event). */
        ALREADY_THERE,
        /** A different entry holds the volume's name; it was kept and this one was not written. */
        CONFLICT
    }

    /**
     * Writes the entry only if no entry of that name exists (a conditional create), so that
     * concurrent writers never overwrite each other.
     */
    Recorded record(CatalogEntry entry);

    /** Every entry in the catalog. */
    List<CatalogEntry> readAll();

    /** Removes an entry; one already gone counts as removed. */
    void delete(CatalogEntry entry);
}
