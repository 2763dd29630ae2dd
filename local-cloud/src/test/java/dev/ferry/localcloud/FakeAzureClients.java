package dev.ferry.localcloud;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import dev.ferry.localcloud.azure.AzureFake;
import java.util.HashMap;
import java.util.Map;

/** The production SDK's Compute client, pointed at a fake Azure by its endpoint, with the fake's one client. */
final class FakeAzureClients {

    private FakeAzureClients() {
    }

    static ComputeManager computeManager(String endpoint) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", endpoint);
        endpoints.put("managementEndpointUrl", endpoint);
        endpoints.put("activeDirectoryEndpointUrl", endpoint);
        return ComputeManager.authenticate(new ClientSecretCredentialBuilder().tenantId(AzureFake.TENANT_ID)
                        .clientId(AzureFake.CLIENT_ID).clientSecret(AzureFake.CLIENT_SECRET)
                        .authorityHost(endpoint).disableInstanceDiscovery().build(),
                new AzureProfile(AzureFake.TENANT_ID, LocalCloud.SUBSCRIPTION_ID, new AzureEnvironment(endpoints)));
    }
}
