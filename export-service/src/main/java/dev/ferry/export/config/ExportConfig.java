package dev.ferry.export.config;

import dev.ferry.support.azure.AzureSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of the export service, under {@code ferry.}; the README has the reference table. */
@ConfigMapping(prefix = "ferry")
public interface ExportConfig {

    /** The name of the cluster this replica runs beside, in the CloudEvents source. Default {@code source}. */
    @WithDefault("source")
    String cluster();

    /** The {@code ferry.azure.*} keys every Ferry service shares. */
    AzureSettings azure();

    /**
     * The resource groups whose snapshots may be exported, as resource-group ids
     * ({@code /subscriptions/<id>/resourceGroups/<name>}); events naming others are refused before any Azure call.
     */
    List<String> sourceResourceGroups();

    /** The region-B staging accounts VHDs may be written to, by account name; others are refused. */
    Map<String, StagingAccount> stagingAccounts();

    Transfer transfer();

    Retry retry();

    /** A staging storage account in region B. */
    interface StagingAccount {

        /** Its ARM id. */
        String id();

        /** Its region: the DR region it stages for. */
        String region();

        /** Its blob endpoint. */
        String blobEndpoint();

        /** A connection string with the account key (local stand-ins only); absent means Entra credentials. */
        Optional<String> connectionString();
    }

    /** How the data moves. */
    interface Transfer {

        /** {@code server-side} (Put Page From URL: Azure pulls the data) or {@code streaming} (through this process). Default server-side. */
        @WithDefault("server-side")
        String engine();

        /** 4 MiB ranges in flight at once per volume; memory of the streaming engine is this x 4 MiB. Default 8. */
        @WithDefault("8")
        int parallelism();

        /** How long the read SAS on a source snapshot lasts: longer than the largest copy. Default 6h. */
        @WithDefault("6h")
        Duration sasDuration();

        /**
         * vhd-incremental: how long the next write into a disk's replica waits for import-service to have
         * imported the generation it holds; after that it writes anyway and that late import is refused.
         * Default 10m.
         */
        @WithDefault("10m")
        Duration importWait();
    }

    /** How often a step is tried before it gives up with {@code step.failed}. */
    interface Retry {

        /** Attempts of one export, counting the first; a later attempt resumes the earlier one's copy. Default 4. */
        @WithDefault("4")
        int maxAttempts();

        /** Wait before the second attempt, doubled before each later one. Default 5s. */
        @WithDefault("5s")
        Duration initialBackoff();
    }
}
