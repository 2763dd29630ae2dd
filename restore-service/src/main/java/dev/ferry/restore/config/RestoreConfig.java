package dev.ferry.restore.config;

import dev.ferry.support.azure.AzureSettings;
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

    /** The {@code ferry.azure.*} keys every Ferry service shares. */
    AzureSettings azure();

    /** The region-B staging storage accounts, by account name; the catalog lives in one of them. */
    Map<String, StagingAccount> stagingAccounts();

    /**
     * The resource groups whose snapshots may enter the catalog, as resource-group ids
     * ({@code /subscriptions/<id>/resourceGroups/<name>}). Events naming any other are refused.
     */
    List<String> targetResourceGroups();

    Catalog catalog();

    Restore restore();

    Retention retention();

    Retry retry();

    /** A storage account in region B. */
    interface StagingAccount {

        /** Its ARM id. */
        String id();

        /** Its region. */
        String region();

        /** Its blob endpoint, e.g. {@code https://<name>.blob.core.windows.net}. */
        String blobEndpoint();

        /** A connection string with the account key (local stand-ins only); absent means Entra credentials. */
        Optional<String> connectionString();
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

    /** How often a catalog write is tried before it gives up with {@code step.failed}. */
    interface Retry {

        /** Attempts of one write, counting the first. Default 4. */
        @WithDefault("4")
        int maxAttempts();

        /** Wait before the second attempt, doubled before each later one. Default 2s. */
        @WithDefault("2s")
        Duration initialBackoff();
    }
}
