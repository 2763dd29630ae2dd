package dev.ferry.support.azure;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * How a Ferry service reaches Azure: the {@code ferry.azure.*} keys every service shares.
 */
@ConfigMapping(prefix = "ferry.azure")
public interface AzureSettings {

    /** Resource Manager endpoint. Default the public cloud's. */
    @WithDefault("https://management.azure.com/")
    String resourceManagerEndpoint();

    /** Microsoft Entra authority host. Default the public cloud's. */
    @WithDefault("https://login.microsoftonline.com/")
    String authorityHost();

    /** Skip Entra instance discovery: only for a private authority such as the local fake. Default false. */
    @WithDefault("false")
    boolean disableInstanceDiscovery();

    /** Tenant of the service principal; absent means the default credential chain (AKS Workload Identity). */
    Optional<String> tenantId();

    /** Client id of a service principal; with {@code client-secret}, used instead of the default chain. */
    Optional<String> clientId();

    /** Client secret of that service principal; never logged. */
    Optional<String> clientSecret();

    /** The subscription the service works in. */
    String subscriptionId();
}
