package dev.ferry.support.azure;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
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

    /** How the service slows its ARM writes before Resource Manager throttles them. */
    WritePacing writePacing();

    /**
     * Resource Manager's write budget per subscription and region is a token bucket of 200 writes refilled at 10 a
     * second, and another of the same size for deletes; each answer says what is left
     * ({@code x-ms-ratelimit-remaining-subscription-writes}, {@code -deletes}). Both are paced alike, and so are
     * Compute's own windows ({@code x-ms-ratelimit-remaining-resource}), each scaled to its size and length.
     */
    interface WritePacing {

        /**
         * Below this many remaining writes, writes are spaced out; 0 turns pacing off, Compute's windows' too.
         * Default 40 (a fifth of the bucket).
         */
        @WithDefault("40")
        int lowWater();

        /** The spacing between writes when none is left, growing from 0 at the low-water mark. Default 200ms (half the refill rate). */
        @WithDefault("200ms")
        Duration maxSpacing();
    }
}
