package dev.ferry.export.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobServiceAsyncClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.ferry.export.StagingAccount;
import dev.ferry.export.StagingBlob;
import dev.ferry.export.StagingBlobName;

/** {@link StagingAccount} over the Blob SDK. */
public final class AzureStagingAccount implements StagingAccount {

    private final BlobServiceClient service;
    private final BlobServiceAsyncClient asyncService;
    private final BlobClients clients;

    private AzureStagingAccount(BlobServiceClientBuilder builder, BlobClients clients) {
        this.service = builder.buildClient();
        this.asyncService = builder.buildAsyncClient();
        this.clients = clients;
    }

    /** With an account key in a connection string: for Azurite and the local run. */
    public static AzureStagingAccount fromConnectionString(String connectionString, BlobClients clients) {
        return new AzureStagingAccount(new BlobServiceClientBuilder().connectionString(connectionString)
                .httpClient(clients.httpClient()).retryOptions(clients.singleTry()), clients);
    }

    /** With Entra ID (workload identity) on the account's blob endpoint: production, no secret. */
    public static AzureStagingAccount fromEndpoint(String blobEndpoint, TokenCredential credential, BlobClients clients) {
        return new AzureStagingAccount(new BlobServiceClientBuilder().endpoint(blobEndpoint).credential(credential)
                .httpClient(clients.httpClient()).retryOptions(clients.singleTry()), clients);
    }

    @Override
    public StagingBlob blob(StagingBlobName name) {
        var container = service.getBlobContainerClient(name.container());
        return new AzureStagingBlob(container, container.getBlobClient(name.blobName()).getPageBlobClient(),
                asyncService.getBlobContainerAsyncClient(name.container()).getBlobAsyncClient(name.blobName())
                        .getPageBlobAsyncClient(), clients.tryTimeout());
    }
}
