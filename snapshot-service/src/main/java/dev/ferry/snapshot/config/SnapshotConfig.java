package dev.ferry.snapshot.config;

import dev.ferry.support.azure.AzureSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Every setting of the snapshot service, under {@code ferry.}; the README has the reference table. */
@ConfigMapping(prefix = "ferry")
public interface SnapshotConfig {

    /** The name of the source cluster, in the CloudEvents source and in every SnapshotTaken. Default {@code source}. */
    @WithDefault("source")
    String cluster();

    /** The {@code ferry.azure.*} keys every Ferry service shares. */
    AzureSettings azure();

    /** The DR target used when a request names none. */
    Target target();

    /**
     * The region-B staging storage accounts a DR target may name, by account name. When any are
     * configured, a request's target must use one of them, in its region. The same keys serve every
     * Ferry service, so the blob endpoint and connection string are accepted here but not used.
     */
    Map<String, StagingAccount> stagingAccounts();

    Snapshot snapshot();

    Transfer transfer();

    Runs runs();

    /** The default DR target: where region-B snapshots go. No defaults: a request without a target then fails. */
    interface Target {

        /** The DR region, e.g. {@code westus}. */
        Optional<String> region();

        /** The subscription of the region-B snapshots. */
        Optional<String> subscriptionId();

        /** The resource group of the region-B snapshots. */
        Optional<String> resourceGroup();

        /** The ARM id of the region-B staging storage account. */
        Optional<String> stagingStorageAccountId();
    }

    /** A staging storage account in region B that a target may name. */
    interface StagingAccount {

        /** Its ARM id. */
        String id();

        /** Its region. */
        String region();

        /** Its blob endpoint; not used by this service. */
        Optional<String> blobEndpoint();

        /** An account-key connection string; not used by this service. */
        Optional<String> connectionString();
    }

    /** How VolumeSnapshots are taken. */
    interface Snapshot {

        /** The VolumeSnapshotClass of every VolumeSnapshot. Default {@code csi-azuredisk-vsc} (AKS's). */
        @WithName("class")
        @WithDefault("csi-azuredisk-vsc")
        String className();

        /** How long a backup waits for its VolumeSnapshots to become readyToUse. Default 10m. */
        @WithDefault("10m")
        Duration readyTimeout();

        /** How often a waiting VolumeSnapshot is read again. Default 2s. */
        @WithDefault("2s")
        Duration pollInterval();
    }

    /** How snapshots travel to region B. */
    interface Transfer {

        /** The transfer strategy when a request names none: vhd-full, vhd-incremental or copy-start. Default vhd-full. */
        @WithDefault("vhd-full")
        String strategy();
    }

    /** Backup runs started over REST. */
    interface Runs {

        /** How many REST-started runs execute at once; more wait in line. Default 4. */
        @WithDefault("4")
        int maxConcurrent();
    }
}
