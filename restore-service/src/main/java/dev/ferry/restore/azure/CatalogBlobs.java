package dev.ferry.restore.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import dev.ferry.support.azure.AzureCallFailed;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The catalog's blob container, shared by the restore points ({@link BlobCatalog}) and the drills ({@link BlobDrillStore}):
 * created on the first write, and Azure's failures turned into {@link AzureCallFailed}.
 */
@ApplicationScoped
public class CatalogBlobs {

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
