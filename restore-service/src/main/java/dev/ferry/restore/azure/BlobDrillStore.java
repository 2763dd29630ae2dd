package dev.ferry.restore.azure;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.events.json.EventJson;
import dev.ferry.restore.drill.DrillRecord;
import dev.ferry.restore.drill.DrillStore;
import dev.ferry.support.azure.AzureCallFailed;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Finished drills as block blobs in the catalog's container, one JSON document each under
 * {@code drills/<source cluster>/<namespace>/<start, epoch millis>-<drill id>.json}, so that a listing of an application is in
 * the order its drills started.
 */
@ApplicationScoped
public class BlobDrillStore implements DrillStore {

    private static final Logger LOG = Logger.getLogger(BlobDrillStore.class);
    private static final ObjectMapper JSON = EventJson.mapper();
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
        blobs.ensureContainer();
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException("a drill record cannot be written as JSON", e);
        }
        String name = blobName(record);
        try {
            blobs.container().getBlobClient(name).getBlockBlobClient().uploadWithResponse(new BlockBlobSimpleUploadOptions(
                    BinaryData.fromBytes(json)).setHeaders(new BlobHttpHeaders().setContentType("application/json")), null, null);
        } catch (BlobStorageException e) {
            throw CatalogBlobs.failed(e, "Writing drill record " + name);
        } catch (RuntimeException e) {
            throw CatalogBlobs.unreachable(e, "Writing drill record " + name);
        }
    }

    @Override
    public List<DrillRecord> readAll() {
        List<DrillRecord> records = new ArrayList<>();
        try {
            if (!blobs.container().exists()) {
                return records;
            }
            for (BlobItem item : blobs.container().listBlobs(new ListBlobsOptions().setPrefix(PREFIX), null)) {
                try {
                    records.add(JSON.readValue(blobs.container().getBlobClient(item.getName()).downloadContent().toBytes(),
                            DrillRecord.class));
                } catch (IOException e) {
                    LOG.warnf("drill record %s cannot be read and is left out: %s", item.getName(), e.getMessage());
                } catch (BlobStorageException e) {
                    if (e.getStatusCode() != 404) {
                        throw e;
                    }
                    // Deleted (beyond the kept drills) between the listing and the read.
                }
            }
            return records;
        } catch (BlobStorageException e) {
            throw CatalogBlobs.failed(e, "Reading the drill records");
        } catch (AzureCallFailed e) {
            throw e;
        } catch (RuntimeException e) {
            throw CatalogBlobs.unreachable(e, "Reading the drill records");
        }
    }

    @Override
    public void delete(DrillRecord record) {
        String name = blobName(record);
        try {
            blobs.container().getBlobClient(name).deleteIfExists();
        } catch (BlobStorageException e) {
            throw CatalogBlobs.failed(e, "Deleting drill record " + name);
        } catch (RuntimeException e) {
            throw CatalogBlobs.unreachable(e, "Deleting drill record " + name);
        }
    }
}
