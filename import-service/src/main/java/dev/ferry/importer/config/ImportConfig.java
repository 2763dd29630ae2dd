package dev.ferry.importer.config;

import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.support.config.RetrySettings;
import dev.ferry.support.config.StagingAccountSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The import service's own settings, under {@code ferry.}, read and checked when the service starts
 * (a malformed resource id stops it at boot); the README has the reference table.
 * {@code ferry.cluster} and {@code ferry.azure.*} are service-support's.
 */
@ConfigMapping(prefix = "ferry")
public interface ImportConfig {

    /**
     * The region-B staging storage accounts that VHDs may be imported from, by account name.
     * Events naming any other account are refused before any Azure call.
     */
    Map<String, StagingAccountSettings> stagingAccounts();

    /**
     * The resource groups that region-B snapshots may be created in, as resource-group ids
     * ({@code /subscriptions/<id>/resourceGroups/<name>}). Events naming any other are refused.
     */
    List<ResourceGroupId> targetResourceGroups();

    Snapshot snapshot();

    RetrySettings retry();

    Sweeper sweeper();

    /** How region-B snapshots are made. */
    interface Snapshot {

        /** The SKU of region-B snapshots. Default {@code Standard_LRS}. */
        @WithDefault("Standard_LRS")
        String sku();
    }

    /**
     * The sweeper of leftovers: VHDs never imported or never deleted, replicas of disks that have no
     * backups any more, Ferry snapshots whose backup is not in the catalog.
     */
    interface Sweeper {

        /** How often the scheduled sweep runs, as a Quarkus scheduler period, or {@code off}. Default {@code 6h}. */
        @WithDefault("6h")
        String every();

        /** Whether the scheduled sweep deletes what it finds, or only reports it. Default false. */
        @WithDefault("false")
        boolean delete();

        /** A VHD or a snapshot younger than this is never a leftover: its backup may still be running. Default 24h. */
        @WithDefault("24h")
        Duration minAge();

        /**
         * How long export-service's replica of a disk (container {@code replicas}) may go unwritten before
         * the sweeper counts it as a leftover: every backup of the disk rewrites the replica's metadata,
         * so one older than this belongs to a disk whose backups stopped (retention removed them or the
         * PVC was deleted). Set it above the longest interval between two backups of a disk; a replica
         * removed too early only costs a full copy at the disk's next backup. Default 14d.
         */
        @WithDefault("14d")
        Duration replicaGrace();

        /** The staging account (by name) whose container {@code ferry-catalog} holds the restore-point catalog. */
        Optional<String> catalogAccount();
    }
}
