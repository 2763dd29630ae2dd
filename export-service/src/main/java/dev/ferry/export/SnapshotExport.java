package dev.ferry.export;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.TransferStats;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VhdBlob;
import dev.ferry.events.VhdExported;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.AzureRegion;
import dev.ferry.export.config.ExportConfig;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.CopyEngineKind;
import dev.ferry.support.config.StagingAccountSettings;
import dev.ferry.support.step.StepRefused;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Exports the snapshot of one {@code SnapshotTaken}: checks it against the allow-lists before any
 * Azure call, runs the step of its transfer strategy into the configured staging account it names,
 * and describes the result as {@code VhdExported}.
 */
public final class SnapshotExport {

    private final ExportConfig config;
    private final SourceAllowList sources;
    private final Function<String, List<ExportStep>> stepsByAccount;
    private final Clock clock;

    /**
     * @param stepsByAccount the steps (one per strategy this service runs) writing into the staging account of that
     *                       configured name
     */
    public SnapshotExport(ExportConfig config, Function<String, List<ExportStep>> stepsByAccount, Clock clock) {
        this.config = config;
        this.sources = new SourceAllowList(config.sourceResourceGroups());
        this.stepsByAccount = stepsByAccount;
        this.clock = clock;
    }

    /**
     * Runs the export.
     *
     * @param progress hears {@code TransferProgressed} events, at most as often as the engine reports
     * @throws StepRefused       if the event is outside the allow-lists or asks for a strategy not built yet
     * @throws StorageCallFailed if storage or the disk's SAS fails after the engine's retries
     */
    public VhdExported export(SnapshotTaken taken, Consumer<TransferProgressed> progress, Cancellation cancellation) {
        VolumeBackup volume = taken.volume();
        String account = admit(volume);
        List<ExportStep> steps = stepsByAccount.apply(account);
        ExportStep step = steps.stream().filter(s -> s.strategy() == volume.strategy()).findFirst()
                .orElseThrow(() -> new StepRefused("StrategyNotSupported", "Transfer strategy " + volume.strategy().wireName()
                        + " is not available in this export service; it runs "
                        + steps.stream().map(s -> s.strategy().wireName()).collect(Collectors.joining(", ")) + "."));
        CopyEngineKind engine = config.transfer().engine();
        SourceSnapshot source = volume.source();
        ExportRequest request = new ExportRequest(volume.strategy(), taken.backupId(), volume.pvc().uid(), source.snapshotId(),
                source.sizeBytes(), engine, config.transfer().parallelism(), config.transfer().sasDuration(), source.diskId(),
                source.previousSnapshotId(), source.incremental());
        ExportOutcome outcome = step.export(request, (done, total) -> progress.accept(new TransferProgressed(FerryEvent.SCHEMA_VERSION,
                taken.backupId(), taken.correlationId(), volume.namespace(), volume.pvc().name(), volume.source().diskId(),
                volume.source().snapshotId(), engine.wireName(), done, total, null, clock.instant())), cancellation);
        StagingAccountSettings staging = config.stagingAccounts().get(account);
        VhdBlob vhd = new VhdBlob(outcome.vhdUrl(), staging.id(), outcome.blobName().container(),
                outcome.blobName().blobName(), outcome.bytesTotal() + dev.ferry.export.transfer.VhdFooter.SIZE);
        ExportOutcome.Delta delta = outcome.delta();
        TransferStats stats = new TransferStats(engine.wireName(), delta.mode(), delta.baseSnapshotId(), delta.bytesChanged(),
                outcome.bytesMoved(), outcome.bytesTotal(), outcome.duration().toMillis(), outcome.startedAt(),
                outcome.completedAt(), delta.fullCopyReason());
        return new VhdExported(FerryEvent.SCHEMA_VERSION, taken.backupId(), taken.correlationId(), volume, vhd, stats);
    }

    /**
     * Checks the source resource groups (of the snapshot and, for an incremental transfer, of its disk and
     * its base) and the staging account; returns the account's configured name.
     */
    String admit(VolumeBackup volume) {
        SourceSnapshot source = volume.source();
        allowedSource(source.snapshotId(), "Snapshots");
        if (volume.strategy() == TransferStrategy.VHD_INCREMENTAL) {
            allowedSource(source.diskId(), "Disks");
            if (source.previousSnapshotId() != null) {
                allowedSource(source.previousSnapshotId(), "Base snapshots");
            }
        }
        ArmResourceId accountId = volume.target().stagingStorageAccountId();
        Map.Entry<String, StagingAccountSettings> account = config.stagingAccounts().entrySet().stream()
                .filter(e -> e.getValue().id().equals(accountId))
                .findFirst()
                .orElseThrow(() -> new StepRefused("StagingAccountNotAllowed",
                        "Storage account " + accountId + " is not a configured staging account."));
        if (!AzureRegion.same(account.getValue().region(), volume.target().region())) {
            throw new StepRefused("StagingAccountInOtherRegion", "Storage account " + accountId + " is in region "
                    + account.getValue().region() + ", not in the target region " + volume.target().region() + ".");
        }
        return account.getKey();
    }

    private void allowedSource(ArmResourceId id, String what) {
        sources.check(id, what);
    }
}
