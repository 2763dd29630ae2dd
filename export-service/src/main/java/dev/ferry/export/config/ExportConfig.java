package dev.ferry.export.config;

import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.support.config.RetrySettings;
import dev.ferry.support.config.StagingAccountSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The export service's own settings, under {@code ferry.}, read and checked when the service starts
 * (a malformed resource id or an unknown engine stops it at boot); the README has the reference
 * table. {@code ferry.cluster} and {@code ferry.azure.*} are service-support's.
 */
@ConfigMapping(prefix = "ferry")
public interface ExportConfig {

    /**
     * The resource groups whose snapshots may be exported, as resource-group ids
     * ({@code /subscriptions/<id>/resourceGroups/<name>}); events naming others are refused before any Azure call.
     */
    List<ResourceGroupId> sourceResourceGroups();

    /** The region-B staging accounts VHDs may be written to, by account name; others are refused. */
    Map<String, StagingAccountSettings> stagingAccounts();

    /**
     * The region-B resource groups copy-start may create snapshots in, as resource-group ids; none by default,
     * and then every copy-start is refused before any Azure call.
     */
    Optional<List<ResourceGroupId>> targetResourceGroups();

    Transfer transfer();

    CopyStart copyStart();

    /** How often an export is tried (a later attempt resumes the earlier one's copy); default initial backoff 5s here. */
    RetrySettings retry();

    /** How the data moves. */
    interface Transfer {

        /** {@code server-side} (Put Page From URL: Azure pulls the data) or {@code streaming} (through this process). Default server-side. */
        @WithDefault("server-side")
        CopyEngineKind engine();

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

        /**
         * vhd-full and vhd-incremental: volumes this replica exports at once (grant, plan, copy, footer, revoke), each
         * with up to {@code parallelism} ranges in flight within {@code rangesInFlight}; more wait in turn. Default 8.
         */
        @WithDefault("8")
        int concurrentVolumes();

        /**
         * 4 MiB ranges in flight at once over all of this replica's volumes: what bounds the bytes it moves at once,
         * so that small diffs run side by side while a large copy takes its share. Default 16.
         */
        @WithDefault("16")
        int rangesInFlight();
    }

    /** The copy-start strategy: Azure copies the incremental snapshot to region B itself. */
    interface CopyStart {

        /** How often the copies of this replica are looked at (one list per target resource group) and waiting ones started. Default 5s. */
        @WithDefault("5s")
        Duration pollInterval();

        /** Copies in progress at once per subscription and target region: Azure's limit. Default 100. */
        @WithDefault("100")
        int regionLimit();

        /**
         * How long a copy may wait for its turn and run together before it is reported failed (retryable; the copy
         * goes on in Azure). Below the 6 h a record may stay unacknowledged on the channel. Default 5h.
         */
        @WithDefault("5h")
        Duration maxWait();

        /** {@code standard} or {@code enhanced} (Azure's provisionedBandwidthCopySpeed=Enhanced, billed extra). Default standard. */
        @WithDefault("standard")
        CopySpeed speed();
    }

    /** Azure's copy speed for a CopyStart. */
    enum CopySpeed {
        STANDARD, ENHANCED
    }
}
