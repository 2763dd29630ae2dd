package dev.ferry.export.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.export.transfer.CopyEngineKind;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings are read and checked once, as the service starts: a typo stops it there, saying what is wrong. */
class ExportConfigTest {

    private static final String GROUP = "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/mc_ferry_source_eastus";

    @Test
    void wellFormedSettingsAreTypedOnceAtStart() {
        ExportConfig config = load(Map.of("ferry.transfer.engine", "streaming", "ferry.source-resource-groups", GROUP + "/,"
                + GROUP.toUpperCase()));

        assertThat(config.transfer().engine()).isEqualTo(CopyEngineKind.STREAMING);
        assertThat(config.sourceResourceGroups()).containsOnly(ResourceGroupId.parse(GROUP));
        assertThat(config.retry().maxAttempts()).isEqualTo(4);
    }

    @Test
    void anUnknownEngineStopsTheServiceAtStart() {
        assertThatThrownBy(() -> load(Map.of("ferry.transfer.engine", "warp-drive", "ferry.source-resource-groups", GROUP)))
                .hasMessageContaining("ferry.transfer.engine").hasMessageContaining("warp-drive");
    }

    @Test
    void aMalformedResourceGroupIdStopsTheServiceAtStart() {
        assertThatThrownBy(() -> load(Map.of("ferry.source-resource-groups", "/subscriptions/not-a-guid/resourceGroups/rg")))
                .hasMessageContaining("ferry.source-resource-groups").hasMessageContaining("not a GUID");
    }

    @Test
    void aStagingAccountWithAMalformedIdStopsTheServiceAtStart() {
        Map<String, String> settings = new HashMap<>(Map.of("ferry.source-resource-groups", GROUP));
        settings.put("ferry.staging-accounts.staging.id", "ferrystaging");
        settings.put("ferry.staging-accounts.staging.region", "westus");
        settings.put("ferry.staging-accounts.staging.blob-endpoint", "https://ferrystaging.blob.core.windows.net");

        assertThatThrownBy(() -> load(settings)).hasMessageContaining("ferry.staging-accounts.staging.id");
    }

    private static ExportConfig load(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDiscoveredConverters().withMapping(ExportConfig.class)
                // Quarkus's own form of durations ("6h"), as the application reads them.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 100)).build();
        return config.getConfigMapping(ExportConfig.class);
    }
}
