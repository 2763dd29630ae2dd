package dev.ferry.snapshot.config;

import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot service's own settings, under {@code ferry.}, read and checked when the service
 * starts (a malformed resource id or an unknown strategy stops it at boot); the README has the
 * reference table. {@code ferry.azure.*} and {@code ferry.messaging.*} are service-support's.
 */
@ConfigMapping(prefix = "ferry")
public interface SnapshotConfig {

    /** The name of the source cluster, in the CloudEvents source and in every SnapshotTaken. Default {@code source}. */
    @WithDefault("source")
    String cluster();

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

    Policies policies();

    Retention retention();

    /** The default DR target: where region-B snapshots go. No defaults: a request without a target then fails. */
    interface Target {

        /** The DR region, e.g. {@code westus}. */
        Optional<String> region();

        /** The subscription of the region-B snapshots. */
        Optional<String> subscriptionId();

        /** The resource group of the region-B snapshots. */
        Optional<String> resourceGroup();

        /** The ARM id of the region-B staging storage account; a malformed one stops the service at start. */
        Optional<ArmResourceId> stagingStorageAccountId();
    }

    /** A staging storage account in region B that a target may name. */
    interface StagingAccount {

        /** Its ARM id. */
        ArmResourceId id();

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

        /** The longest one watch of a waiting VolumeSnapshot lasts before it is read again. Default 2s. */
        @WithDefault("2s")
        Duration pollInterval();

        /** How many snapshots of one PVC's disk may be taken in how long: Azure's limit, kept before Azure sees it. */
        RateLimit rateLimit();
    }

    /**
     * Azure takes at most seven incremental snapshots of one disk every five minutes. A backup that
     * would take one more of a PVC's disk is refused (REST, Kafka) or delayed (a schedule) until the
     * oldest snapshot in the window has left it.
     */
    interface RateLimit {

        /** At most this many snapshots of one PVC's disk within {@code window}. Default 7 (Azure's limit). */
        @WithDefault("7")
        int maxSnapshots();

        /** The sliding window the limit counts in, back from now. Default 5m (Azure's). */
        @WithDefault("5m")
        Duration window();
    }

    /** How snapshots travel to region B. */
    interface Transfer {

        /**
         * The transfer strategy when a request names none: vhd-full, vhd-incremental or copy-start.
         * Default vhd-incremental (each backup moves only what changed since the disk's previous one).
         */
        @WithDefault("vhd-incremental")
        TransferStrategy strategy();
    }

    /** BackupPolicy schedules. */
    interface Policies {

        /**
         * Whether this replica watches BackupPolicies and starts their runs. Default true. Run one
         * scheduling replica per cluster: two would both start each fire time's run (under the same
         * derived backupId, so without harm, but twice the work).
         */
        @WithDefault("true")
        boolean enabled();

        /** How often the policies are checked for a due run; a run starts at most this long after its cron time. Default 30s. */
        @WithDefault("30s")
        Duration tick();

        /**
         * Whether a policy may back up another namespace than its own ({@code spec.namespace}).
         * Default false: with true, whoever may create a BackupPolicy anywhere may snapshot any
         * namespace (retention still deletes only that policy's own snapshots there).
         */
        @WithDefault("false")
        boolean crossNamespace();

        /** How long the first look waits for the BackupPolicy informer's initial list. Default 30s. */
        @WithDefault("30s")
        Duration informerStartTimeout();
    }

    /** Deleting a policy's old VolumeSnapshots after its runs. */
    interface Retention {

        /**
         * How long after it was taken a volume whose downstream progress this replica has not seen
         * (a run rebuilt from the cluster after a restart) still counts as exporting, so that its
         * snapshot and that snapshot's base are kept. Default 24h.
         */
        @WithDefault("24h")
        Duration unknownExportGrace();
    }

    /** Backup runs started over REST or by a BackupPolicy. */
    interface Runs {

        /**
         * How many REST- or policy-started runs execute at once; more wait in line. A run spends most
         * of its time waiting (for the cluster's snapshots, for Azure's answers), and its waits share
         * one watch, so runs of many namespaces overlap. Default 16.
         */
        @WithDefault("16")
        int maxConcurrent();

        /**
         * How long a finished run (completed or failed, or waiting for downstream news for longer
         * than {@code ferry.retention.unknown-export-grace}) stays in memory after its last change;
         * later it is rebuilt from its VolumeSnapshots when asked for. Default 24h.
         */
        @WithDefault("24h")
        Duration keepFinished();
    }
}
