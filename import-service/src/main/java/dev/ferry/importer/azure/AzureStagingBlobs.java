package dev.ferry.importer.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.importer.StagingBlobs;
import dev.ferry.importer.config.ImportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** VHD blobs in the staging accounts through the Blob SDK: Entra credentials, or an account key for the local stand-ins. */
@ApplicationScoped
public class AzureStagingBlobs implements StagingBlobs {

    private final ImportConfig config;
    private final TokenCredential credential;
    private final Map<String, BlobServiceClient> clients = new ConcurrentHashMap<>();

    public AzureStagingBlobs(ImportConfig config, TokenCredential credential) {
        this.config = config;
        this.credential = credential;
    }

    @Override
    public boolean delete(String accountName, String blobUrl) {
        BlobUrlParts parts = BlobUrlParts.parse(blobUrl);
        try {
            return client(accountName).getBlobContainerClient(parts.getBlobContainerName())
                    .getBlobClient(parts.getBlobName()).deleteIfExists();
        } catch (BlobStorageException e) {
            throw new AzureCallFailed(e.getErrorCode() == null ? "StorageError" : e.getErrorCode().toString(), e.getStatusCode(),
                    "Deleting the VHD " + parts.getBlobContainerName() + "/" + parts.getBlobName() + " failed.", e);
        }
    }

    @Override
    public List<ListedBlob> list(String accountName, String container, String prefix) {
        BlobContainerClient containerClient = client(accountName).getBlobContainerClient(container);
        try {
            if (!containerClient.exists()) {
                return List.of();
            }
            return containerClient.listBlobs(new ListBlobsOptions().setPrefix(prefix), null).stream()
                    .map(item -> new ListedBlob(containerClient.getBlobClient(item.getName()).getBlobUrl(), item.getName(),
                            item.getProperties().getLastModified().toInstant()))
                    .toList();
        } catch (BlobStorageException e) {
            throw new AzureCallFailed(e.getErrorCode() == null ? "StorageError" : e.getErrorCode().toString(), e.getStatusCode(),
                    "Listing " + container + " of " + accountName + " failed.", e);
        }
    }

    private BlobServiceClient client(String accountName) {
        return clients.computeIfAbsent(accountName, name -> {
            ImportConfig.StagingAccount account = config.stagingAccounts().get(name);
            BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
            if (account.connectionString().isPresent()) {
                builder.connectionString(account.connectionString().get());
            } else {
                builder.endpoint(account.blobEndpoint()).credential(credential);
            }
            return builder.buildClient();
        });
    }
}
