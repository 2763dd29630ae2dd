package dev.ferry.export.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.resourcemanager.compute.ComputeManager;
import dev.ferry.export.ExportStep;
import dev.ferry.export.IncrementalExporter;
import dev.ferry.export.SnapshotExport;
import dev.ferry.export.SourceAllowList;
import dev.ferry.export.StagingAccount;
import dev.ferry.export.VhdExporter;
import dev.ferry.export.config.ExportConfig;
import dev.ferry.export.copystart.CopyQueue;
import dev.ferry.export.copystart.CopyStartTransfer;
import dev.ferry.export.transfer.ChunkScheduler;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.ServerSideCopyEngine;
import dev.ferry.export.transfer.StreamingCopyEngine;
import dev.ferry.support.config.StagingAccountSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts the export together from the configuration and service-support's Azure clients: the staging accounts,
 * the engines, the steps, and copy-start's queue.
 */
@ApplicationScoped
public class ExportBeans {

    /** How often a running copy reports progress: DESIGN asks for at most every few seconds. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(3);
    /** How often a replica whose generation awaits its import is looked at again. */
    static final Duration IMPORT_POLL = Duration.ofMillis(500);

    @Produces
    @Singleton
    SnapshotExport snapshotExport(ExportConfig config, ComputeManager compute, TokenCredential credential, Clock clock,
                                  MeterRegistry metrics) {
        BlobClients clients = BlobClients.standard();
        ChunkScheduler scheduler = new ChunkScheduler(RetryPolicy.DEFAULT, PROGRESS_INTERVAL, System::nanoTime,
                config.transfer().rangesInFlight());
        List<dev.ferry.export.transfer.CopyEngine> engines = List.of(new StreamingCopyEngine(scheduler), new ServerSideCopyEngine(scheduler));
        Map<String, List<ExportStep>> steps = new ConcurrentHashMap<>();
        return new SnapshotExport(config, name -> steps.computeIfAbsent(name, account -> {
            StagingAccountSettings settings = config.stagingAccounts().get(account);
            StagingAccount staging = settings.connectionString().isPresent()
                    ? AzureStagingAccount.fromConnectionString(settings.connectionString().get(), clients)
                    : AzureStagingAccount.fromEndpoint(settings.blobEndpoint(), credential, clients);
            AzureSnapshotAccess access = new AzureSnapshotAccess(compute, metrics);
            AzureSourceDisk sourceDisk = new AzureSourceDisk(clients);
            PageRangePlanner planner = new PageRangePlanner(PageRangePlanner.MAX_CHUNK_BYTES);
            return List.of(new VhdExporter(access, sourceDisk, staging, engines, planner, RetryPolicy.DEFAULT, clock),
                    new IncrementalExporter(access, sourceDisk, new AzureSourceSnapshots(compute), staging, engines, planner,
                            RetryPolicy.DEFAULT, IMPORT_POLL, config.transfer().importWait(), clock));
        }), clock);
    }

    @Produces
    @Singleton
    CopyQueue copyQueue(ExportConfig config, ComputeManager compute, MeterRegistry metrics, Clock clock) {
        ExportConfig.CopyStart copyStart = config.copyStart();
        CopyQueue queue = new CopyQueue(new AzureRegionCopies(compute), copyStart.regionLimit(), copyStart.maxWait(),
                copyStart.pollInterval(), clock);
        // What waits for Azure's limits and what Azure is copying, per replica.
        metrics.gauge("ferry.export.copystart.copies", List.of(Tag.of("state", "waiting")), queue, CopyQueue::waitingCount);
        metrics.gauge("ferry.export.copystart.copies", List.of(Tag.of("state", "running")), queue, CopyQueue::runningCount);
        return queue.start();
    }

    void closeCopyQueue(@Disposes CopyQueue queue) {
        queue.close();
    }

    @Produces
    @Singleton
    CopyStartTransfer copyStartTransfer(ExportConfig config, CopyQueue queue, Clock clock) {
        return new CopyStartTransfer(new SourceAllowList(config.sourceResourceGroups()), config.targetResourceGroups().orElse(List.of()),
                config.copyStart().speed() == ExportConfig.CopySpeed.ENHANCED, queue, clock);
    }
}
