package dev.ferry.importer.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.ferry.importer.StagingBlobs;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.config.StagingAccountSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** VHD blobs, replicas and catalog entries in the staging accounts through the Blob SDK: Entra credentials, or an account key for the local stand-ins. */
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
    public Deletion deleteIfUnchanged(String accountName, String blobUrl, String etag) {
        BlobUrlParts parts = BlobUrlParts.parse(blobUrl);
        try {
            client(accountName).getBlobContainerClient(parts.getBlobContainerName()).getBlobClient(parts.getBlobName())
                    .deleteWithResponse(null, new BlobRequestConditions().setIfMatch(etag), null, Context.NONE);
            return Deletion.DELETED;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Deletion.ALREADY_GONE;
            }
            if (e.getStatusCode() == 412) {
                return Deletion.CHANGED;
            }
            throw new AzureCallFailed(e.getErrorCode() == null ? "StorageError" : e.getErrorCode().toString(), e.getStatusCode(),
                    "Deleting the blob " + parts.getBlobContainerName() + "/" + parts.getBlobName() + " failed.", e);
        }
    }

    @Override
    public List<ListedBlob> list(String accountName, String container, String prefix) {
        BlobContainerClient containerClient = client(accountName).getBlobContainerClient(container);
        try {
            if (!containerClient.exists()) {
                return List.of();
            }
            ListBlobsOptions options = new ListBlobsOptions().setPrefix(prefix)
                    .setDetails(new BlobListDetails().setRetrieveMetadata(true));
            return containerClient.listBlobs(options, null).stream()
                    .map(item -> new ListedBlob(containerClient.getBlobClient(item.getName()).getBlobUrl(), item.getName(),
                            item.getProperties().getLastModified().toInstant(), item.getProperties().getETag(), item.getMetadata()))
                    .toList();
        } catch (BlobStorageException e) {
            throw new AzureCallFailed(e.getErrorCode() == null ? "StorageError" : e.getErrorCode().toString(), e.getStatusCode(),
                    "Listing " + container + " of " + accountName + " failed.", e);
        }
    }

    @Override
    public Optional<ListedBlob> properties(String accountName, String blobUrl) {
        BlobUrlParts parts = BlobUrlParts.parse(blobUrl);
        try {
            BlobProperties properties = client(accountName).getBlobContainerClient(parts.getBlobContainerName())
                    .getBlobClient(parts.getBlobName()).getProperties();
            return Optional.of(new ListedBlob(blobUrl, parts.getBlobName(), properties.getLastModified().toInstant(),
                    properties.getETag(), properties.getMetadata()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw new AzureCallFailed(e.getErrorCode() == null ? "StorageError" : e.getErrorCode().toString(), e.getStatusCode(),
                    "Reading the properties of " + parts.getBlobContainerName() + "/" + parts.getBlobName() + " failed.", e);
        }
    }

    @Override
    public boolean setMetadataIfUnchanged(String accountName, String blobUrl, Map<String, String> metadata, String etag) {
        BlobUrlParts parts = BlobUrlParts.parse(blobUrl);
        try {
            client(accountName).getBlobContainerClient(parts.getBlobContainerName()).getBlobClient(parts.getBlobName())
                    .setMetadataWithResponse(metadata, new BlobRequestConditions().setIfMatch(etag), null, Context.NONE);
            return true;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 || e.getStatusCode() == 412) {
                return false;
            }
            throw new AzureCallFailed(e.getErrorCode() == null ? "StorageError" : e.getErrorCode().toString(), e.getStatusCode(),
                    "Writing the metadata of " + parts.getBlobContainerName() + "/" + parts.getBlobName() + " failed.", e);
        }
    }

    private BlobServiceClient client(String accountName) {
        return clients.computeIfAbsent(accountName, name -> {
            StagingAccountSettings account = config.stagingAccounts().get(name);
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
