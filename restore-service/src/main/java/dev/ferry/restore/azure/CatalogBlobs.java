package dev.ferry.restore.azure;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.events.json.EventJson;
import dev.ferry.support.azure.AzureCallFailed;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The catalog's blob container, shared by the restore points ({@link BlobCatalog}), the restores ({@link BlobRestoreLedger}) and
 * the drills ({@link BlobDrillStore}): created on the first write, Azure's failures turned into {@link AzureCallFailed}, and
 * plain JSON documents (one per restore or drill, replaced as it goes on) written and read back.
 */
@ApplicationScoped
public class CatalogBlobs {

    private static final Logger LOG = Logger.getLogger(CatalogBlobs.class);
    private static final ObjectMapper JSON = EventJson.mapper();

    private final BlobContainerClient container;
    private final AtomicBoolean containerReady = new AtomicBoolean();

    public CatalogBlobs(BlobContainerClient container) {
        this.container = container;
    }

    public BlobContainerClient container() {
        return container;
    }

    /** Creates the container unless this service has seen it exist. */
    public void ensureContainer() {
        if (containerReady.get()) {
            return;
        }
        try {
            container.createIfNotExists();
            containerReady.set(true);
        } catch (BlobStorageException e) {
            if (e.getErrorCode() != BlobErrorCode.CONTAINER_ALREADY_EXISTS) {
                throw failed(e, "Creating the catalog container " + container.getBlobContainerName());
            }
            containerReady.set(true);
        } catch (RuntimeException e) {
            throw unreachable(e, "Creating the catalog container " + container.getBlobContainerName());
        }
    }

    /** Writes the document under that name, replacing what was there. */
    void writeJson(String name, Object document) {
        ensureContainer();
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(name + " cannot be written as JSON", e);
        }
        try {
            container.getBlobClient(name).getBlockBlobClient().uploadWithResponse(new BlockBlobSimpleUploadOptions(
                    BinaryData.fromBytes(json)).setHeaders(new BlobHttpHeaders().setContentType("application/json")), null, null);
        } catch (BlobStorageException e) {
            throw failed(e, "Writing " + name);
        } catch (RuntimeException e) {
            throw unreachable(e, "Writing " + name);
        }
    }

    /** Every document under the prefix; one that cannot be read as {@code type} is left out (and logged). */
    <T> List<T> readAllJson(String prefix, Class<T> type) {
        List<T> documents = new ArrayList<>();
        try {
            if (!container.exists()) {
                return documents;
            }
            for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
                try {
                    documents.add(JSON.readValue(container.getBlobClient(item.getName()).downloadContent().toBytes(), type));
                } catch (IOException e) {
                    LOG.warnf("%s cannot be read and is left out: %s", item.getName(), e.getMessage());
                } catch (BlobStorageException e) {
                    if (e.getStatusCode() != 404) {
                        throw e;
                    }
                    // Deleted between the listing and the read.
                }
            }
            return documents;
        } catch (BlobStorageException e) {
            throw failed(e, "Reading " + prefix);
        } catch (RuntimeException e) {
            throw unreachable(e, "Reading " + prefix);
        }
    }

    void deleteJson(String name) {
        try {
            container.getBlobClient(name).deleteIfExists();
        } catch (BlobStorageException e) {
            throw failed(e, "Deleting " + name);
        } catch (RuntimeException e) {
            throw unreachable(e, "Deleting " + name);
        }
    }

    static AzureCallFailed failed(BlobStorageException e, String what) {
        return new AzureCallFailed(e.getErrorCode() == null ? "StorageError" : e.getErrorCode().toString(), e.getStatusCode(),
                what + " failed (HTTP " + e.getStatusCode() + ").", e);
    }

    /** The storage account did not answer (connection refused, timeout): another attempt may succeed. */
    static AzureCallFailed unreachable(RuntimeException e, String what) {
        return new AzureCallFailed("StorageUnreachable", 0, what + " failed: the storage account did not answer ("
                + e.getClass().getSimpleName() + ").", e);
    }
}
