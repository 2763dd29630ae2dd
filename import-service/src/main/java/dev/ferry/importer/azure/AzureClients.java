package dev.ferry.importer.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.resourcemanager.compute.ComputeManager;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.support.azure.AzureClientFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The Azure SDK clients as beans, built from the shared {@code ferry.azure.*} settings. */
@ApplicationScoped
public class AzureClients {

    @Produces
    @Singleton
    TokenCredential credential(ImportConfig config) {
        return AzureClientFactory.credential(config.azure());
    }

    @Produces
    @Singleton
    ComputeManager compute(ImportConfig config, TokenCredential credential) {
        return AzureClientFactory.compute(config.azure(), credential);
    }
}
