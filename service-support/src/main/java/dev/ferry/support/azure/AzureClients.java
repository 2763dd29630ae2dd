package dev.ferry.support.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * The Azure SDK clients every service uses, as beans built from {@link AzureSettings}: the
 * credential (a service principal if one is configured, else the default chain, which is AKS
 * Workload Identity in production) and the Compute manager for the configured endpoints, whose every
 * request passes {@link ArmCallPolicy} (ARM writes counted and paced).
 */
@ApplicationScoped
public class AzureClients {

    @Produces
    @Singleton
    TokenCredential credential(AzureSettings azure) {
        if (azure.clientId().isPresent() && azure.clientSecret().isPresent()) {
            ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder()
                    .tenantId(azure.tenantId().orElseThrow(
                            () -> new IllegalStateException("ferry.azure.tenant-id is required with a client secret")))
                    .clientId(azure.clientId().get()).clientSecret(azure.clientSecret().get())
                    .authorityHost(azure.authorityHost());
            if (azure.disableInstanceDiscovery()) {
                builder.disableInstanceDiscovery();
            }
            return builder.build();
        }
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().authorityHost(azure.authorityHost());
        azure.tenantId().ifPresent(builder::tenantId);
        return builder.build();
    }

    @Produces
    @Singleton
    ComputeManager compute(AzureSettings azure, TokenCredential credential, MeterRegistry metrics) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", azure.resourceManagerEndpoint());
        endpoints.put("managementEndpointUrl", azure.resourceManagerEndpoint());
        endpoints.put("activeDirectoryEndpointUrl", azure.authorityHost());
        AzureProfile profile = new AzureProfile(azure.tenantId().orElse(null), azure.subscriptionId(), new AzureEnvironment(endpoints));
        AzureSettings.WritePacing pacing = azure.writePacing();
        ArmCallPolicy calls = new ArmCallPolicy(new ArmWritePacing(pacing.lowWater(), pacing.maxSpacing()),
                new ArmWritePacing(pacing.lowWater(), pacing.maxSpacing()), new ComputeWindowPacing(pacing.lowWater() > 0),
                metrics);
        return ComputeManager.configure().withPolicy(calls).authenticate(credential, profile);
    }
}
