package dev.ferry.restore.config;

import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.support.config.RetrySettings;
import dev.ferry.support.config.StagingAccountSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of the restore service, under {@code ferry.}; the README has the reference table. */
@ConfigMapping(prefix = "ferry")
public interface RestoreConfig {

    /** The name of the DR cluster this service runs on, in the CloudEvents source. Default {@code dr}. */
    @WithDefault("dr")
    String cluster();

    /** The region-B staging storage accounts, by account name; the catalog lives in one of them. */
    Map<String, StagingAccountSettings> stagingAccounts();

    /**
     * The resource groups whose snapshots may enter the catalog, as resource-group ids
     * ({@code /subscriptions/<id>/resourceGroups/<name>}). Events naming any other are refused.
     */
    List<ResourceGroupId> targetResourceGroups();

    Catalog catalog();

    Restore restore();

    Retention retention();

    Progress progress();

    Drills drills();

    RetrySettings retry();

    /** How drills run, and what is kept of them. */
    interface Drills {

        /** How many drills run at once; more wait in line. Default 2. */
        @WithDefault("2")
        int concurrency();

        /** How many finished drills are kept per application beside the catalog, newest first. Default 50. */
        @WithDefault("50")
        int keep();

        /** How long an application's check Job may run when its drill names no timeout. Default 10m. */
        @WithDefault("10m")
        Duration checkTimeout();

        /** The longest timeout a drill may give its check Job. Default 1h. */
        @WithDefault("1h")
        Duration maxCheckTimeout();

        /** How long a drill waits for the DR cluster to remove what it created before it reports the cleanup failed. Default 5m. */
        @WithDefault("5m")
        Duration cleanupTimeout();

        /** How often the DrillSchedules are read and the due drills started, as a Quarkus scheduler period, or {@code off}. Default 30s. */
        @WithDefault("30s")
        String scheduleEvery();

        /**
         * How often the DR cluster is searched for drill objects that no running drill owns (left by a crash), to remove them,
         * as a Quarkus scheduler period, or {@code off}. Default 10m.
         */
        @WithDefault("10m")
        String sweepEvery();

        /** A scratch namespace younger than this is never swept: a drill may still be using it. Default 2h. */
        @WithDefault("2h")
        Duration sweepGrace();
    }

    /** What the service keeps of backups on their way to region B and of failed steps, for the dashboard and the API. */
    interface Progress {

        /** How long a backup stays in {@code GET /api/v1/transfers} after its last volume arrived or failed. Default 30m. */
        @WithDefault("30m")
        Duration keepFinished();

        /** How long a backup that heard nothing for this long counts as gone (its events were lost or predate the retention). Default 24h. */
        @WithDefault("24h")
        Duration forgetSilentAfter();

        /** The most backups kept; the oldest finished ones go first. Default 500. */
        @WithDefault("500")
        int maxBackups();

        /** The most failed steps kept for {@code GET /api/v1/failures}, newest first. Default 200. */
        @WithDefault("200")
        int maxFailures();
    }

    /** Where the restore-point catalog lives. */
    interface Catalog {

        /** The staging account (by name, one of {@code ferry.staging-accounts}) that holds the catalog. */
        String account();

        /** The container of the catalog. Default {@code ferry-catalog}. */
        @WithDefault("ferry-catalog")
        String container();

        /**
         * How often the in-memory view is read again from the storage account, so that entries written
         * by other replicas show up, as a Quarkus scheduler period, or {@code off}. Default {@code 60s}.
         */
        @WithDefault("60s")
        String refreshEvery();
    }

    /** How restores run. */
    interface Restore {

        /** How long a restore waits for its PVCs to be Bound before it fails. Default 10m. */
        @WithDefault("10m")
        Duration bindTimeout();

        /** How often a restore reads its PVCs while it waits. Default 500ms. */
        @WithDefault("500ms")
        Duration pollInterval();

        /** How many REST-started restores run at once; more wait in line. Default 4. */
        @WithDefault("4")
        int concurrency();

        /**
         * The target namespaces into which a restore requested by event ({@code ferry.restore.requested}) may restore:
         * an event names no caller whose rights could be checked. None by default; the REST API checks each caller's.
         */
        Optional<List<String>> eventTargetNamespaces();
    }

    /** Which restore points are kept in region B. */
    interface Retention {

        /**
         * How many complete restore points to keep per source cluster, namespace and policy when the
         * policy has no entry in {@code keep}; 0 keeps all. Default 14.
         */
        @WithDefault("14")
        int defaultKeep();

        /** How many complete restore points to keep, per policy name (e.g. {@code ferry.retention.keep.nightly=7}). */
        Map<String, Integer> keep();

        /**
         * A partial restore point older than this, with a newer complete one beside it, is a backup that
         * will never finish: it is deleted. Default 24h.
         */
        @WithDefault("24h")
        Duration partialMaxAge();
    }
}
