package dev.ferry.restore.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.events.json.EventJson;
import dev.ferry.restore.catalog.Catalog;
import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.support.azure.AzureCallFailed;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The catalog as block blobs in region B's storage account, one JSON document per volume. Writes
 * are conditional ({@code If-None-Match: *}), so two writers of one name never overwrite each other.
 */
@ApplicationScoped
public class BlobCatalog implements Catalog {

    private static final Logger LOG = Logger.getLogger(BlobCatalog.class);
    private static final ObjectMapper JSON = EventJson.mapper();

    private final BlobContainerClient container;
    private final CatalogBlobs blobs;

    public BlobCatalog(CatalogBlobs blobs) {
        this.blobs = blobs;
        this.container = blobs.container();
    }

    @Override
    public Recorded record(CatalogEntry entry) {
        blobs.ensureContainer();
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a catalog entry cannot be written as JSON", e);
        }
        try {
            container.getBlobClient(entry.blobName()).getBlockBlobClient().uploadWithResponse(
                    new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(json))
                            .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                            .setMetadata(Map.of("backupid", entry.backupId(), "pvcuid", entry.volume().pvc().uid()))
                            .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                    null, Context.NONE);
            return Recorded.CREATED;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409 && e.getStatusCode() != 412) {
                throw CatalogBlobs.failed(e, "Writing catalog entry " + entry.blobName());
            }
        } catch (RuntimeException e) {
            throw CatalogBlobs.unreachable(e, "Writing catalog entry " + entry.blobName());
        }
        CatalogEntry existing;
        try {
            existing = read(entry.blobName());
        } catch (UnreadableEntry e) {
            LOG.warnf("catalog entry %s exists but cannot be read; kept, not replaced: %s", entry.blobName(), e.getMessage());
            return Recorded.CONFLICT;
        }
        if (existing.sameCopyAs(entry)) {
            return Recorded.ALREADY_THERE;
        }
        LOG.warnf("catalog entry %s exists with region-B snapshot %s; kept, not replaced by %s", entry.blobName(),
                existing.snapshotId(), entry.snapshotId());
        return Recorded.CONFLICT;
    }

    @Override
    public List<CatalogEntry> readAll() {
        List<CatalogEntry> entries = new ArrayList<>();
        try {
            if (!container.exists()) {
                return entries;
            }
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(CatalogEntry.PREFIX), null)) {
                if (!item.getName().endsWith(".json")) {
                    continue;
                }
                try {
                    entries.add(read(item.getName()));
                } catch (UnreadableEntry e) {
                    LOG.warnf("catalog entry %s cannot be read and is left out: %s", item.getName(), e.getMessage());
                } catch (AzureCallFailed e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                    // Deleted (by retention) between the listing and the read.
                }
            }
            return entries;
        } catch (BlobStorageException e) {
            throw CatalogBlobs.failed(e, "Reading the catalog");
        } catch (AzureCallFailed e) {
            throw e;
        } catch (RuntimeException e) {
            throw CatalogBlobs.unreachable(e, "Reading the catalog");
        }
    }

    @Override
    public void delete(CatalogEntry entry) {
        try {
            container.getBlobClient(entry.blobName()).deleteIfExists();
        } catch (BlobStorageException e) {
            throw CatalogBlobs.failed(e, "Deleting catalog entry " + entry.blobName());
        } catch (RuntimeException e) {
            throw CatalogBlobs.unreachable(e, "Deleting catalog entry " + entry.blobName());
        }
    }

    private CatalogEntry read(String name) {
        byte[] json;
        try {
            json = container.getBlobClient(name).downloadContent().toBytes();
        } catch (BlobStorageException e) {
            throw CatalogBlobs.failed(e, "Reading catalog entry " + name);
        } catch (RuntimeException e) {
            throw CatalogBlobs.unreachable(e, "Reading catalog entry " + name);
        }
        try {
            return JSON.readValue(json, CatalogEntry.class);
        } catch (IOException e) {
            throw new UnreadableEntry(e.getMessage());
        }
    }

    /** An entry whose JSON is not a catalog entry. */
    private static final class UnreadableEntry extends RuntimeException {
        UnreadableEntry(String message) {
            super(message);
        }
    }
}
