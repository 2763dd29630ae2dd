package dev.ferry.restore.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.support.azure.AzureClientFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The Azure SDK clients as beans, built from the shared {@code ferry.azure.*} settings and the catalog's account. */
@ApplicationScoped
public class AzureClients {

    @Produces
    @Singleton
    TokenCredential credential(RestoreConfig config) {
        return AzureClientFactory.credential(config.azure());
    }

    @Produces
    @Singleton
    ComputeManager compute(RestoreConfig config, TokenCredential credential) {
        return AzureClientFactory.compute(config.azure(), credential);
    }

    /** The catalog's container: an account key for the local stand-ins, else Entra credentials (workload identity). */
    @Produces
    @Singleton
    BlobContainerClient catalogContainer(RestoreConfig config, TokenCredential credential) {
        String name = config.catalog().account();
        RestoreConfig.StagingAccount account = config.stagingAccounts().get(name);
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
