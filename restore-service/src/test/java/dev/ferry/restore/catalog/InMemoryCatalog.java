package dev.ferry.restore.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The region-B catalog in memory, for unit tests: one entry per blob name, written only if absent. */
public final class InMemoryCatalog implements Catalog {

    private final Map<String, CatalogEntry> blobs = new LinkedHashMap<>();

    @Override
    public synchronized Recorded record(CatalogEntry entry) {
        CatalogEntry there = blobs.putIfAbsent(entry.blobName(), entry);
        if (there == null) {
            return Recorded.CREATED;
        }
        return there.equals(entry) ? Recorded.ALREADY_THERE : Recorded.CONFLICT;
    }

    @Override
    public synchronized List<CatalogEntry> readAll() {
        return new ArrayList<>(blobs.values());
    }

    @Override
    public synchronized void delete(CatalogEntry entry) {
        blobs.remove(entry.blobName());
    }
}
