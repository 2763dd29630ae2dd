package dev.ferry.restore.azure;

import dev.ferry.restore.drill.DrillRecord;
import dev.ferry.restore.drill.DrillStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Finished drills as JSON blobs in the catalog's container, one each under
 * {@code drills/<source cluster>/<namespace>/<start, epoch millis>-<drill id>.json}, so that a listing of an application is in
 * the order its drills started.
 */
@ApplicationScoped
public class BlobDrillStore implements DrillStore {

    static final String PREFIX = "drills/";

    private final CatalogBlobs blobs;

    public BlobDrillStore(CatalogBlobs blobs) {
        this.blobs = blobs;
    }

    static String blobName(DrillRecord record) {
        return PREFIX + record.result().sourceCluster() + "/" + record.result().sourceNamespace() + "/"
                + String.format("%013d", record.result().startedAt().toEpochMilli()) + "-" + record.result().drillId() + ".json";
    }

    @Override
    public void save(DrillRecord record) {
        blobs.writeJson(blobName(record), record);
    }

    @Override
    public List<DrillRecord> readAll() {
        return blobs.readAllJson(PREFIX, DrillRecord.class);
    }

    @Override
    public void delete(DrillRecord record) {
        blobs.deleteJson(blobName(record));
    }
}
