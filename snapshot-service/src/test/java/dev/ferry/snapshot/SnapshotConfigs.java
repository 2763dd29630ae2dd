package dev.ferry.snapshot;

import dev.ferry.snapshot.config.SnapshotConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A {@link SnapshotConfig} for plain unit tests: the mapping's defaults plus the given keys. */
public final class SnapshotConfigs {

    private SnapshotConfigs() {
    }

    public static SnapshotConfig of(Map<String, String> keys) {
        Map<String, String> all = new HashMap<>();
        all.put("ferry.target.region", "westus");
        all.put("ferry.target.subscription-id", "6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11");
        all.put("ferry.target.resource-group", "ferry-dr-westus");
        all.put("ferry.target.staging-storage-account-id", "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/"
                + "ferry-dr-westus/providers/Microsoft.Storage/storageAccounts/ferrystagingwestus");
        all.putAll(keys);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDiscoveredConverters()
                .withMapping(SnapshotConfig.class)
                // Quarkus's own form of durations ("30s", "24h"), as the application reads them.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(all)
                .build();
        return config.getConfigMapping(SnapshotConfig.class);
    }
}
