package dev.ferry.restore.azure;

import dev.ferry.restore.RestoreLedger;
import dev.ferry.restore.RestoreRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Restores as JSON blobs in the catalog's container, one each under {@code restores/<restore id>.json}, replaced as it goes on. */
@ApplicationScoped
public class BlobRestoreLedger implements RestoreLedger {

    static final String PREFIX = "restores/";

    private final CatalogBlobs blobs;

    public BlobRestoreLedger(CatalogBlobs blobs) {
        this.blobs = blobs;
    }

    @Override
    public void save(RestoreRecord record) {
        blobs.writeJson(PREFIX + record.restoreId() + ".json", record);
    }

    @Override
    public List<RestoreRecord> readAll() {
        return blobs.readAllJson(PREFIX, RestoreRecord.class);
    }

    @Override
    public void delete(String restoreId) {
        blobs.deleteJson(PREFIX + restoreId + ".json");
    }
}
