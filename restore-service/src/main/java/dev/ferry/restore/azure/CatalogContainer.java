package dev.ferry.restore.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.support.config.StagingAccountSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The catalog's blob container as a bean; service-support's {@code AzureClients} gives the credential. */
@ApplicationScoped
public class CatalogContainer {

    /** The catalog's container: an account key for the local stand-ins, else Entra credentials (workload identity). */
    @Produces
    @Singleton
    BlobContainerClient container(RestoreConfig config, TokenCredential credential) {
        String name = config.catalog().account();
        StagingAccountSettings account = config.stagingAccounts().get(name);
        if (account == null) {
            throw new IllegalStateException("ferry.catalog.account names " + name + ", which is not one of ferry.staging-accounts "
                    + config.stagingAccounts().keySet());
        }
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
        if (account.connectionString().isPresent()) {
            builder.connectionString(account.connectionString().get());
        } else {
            builder.endpoint(account.blobEndpoint()).credential(credential);
        }
        return builder.buildClient().getBlobContainerClient(config.catalog().container());
    }
}
