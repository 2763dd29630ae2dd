package dev.ferry.importer;

import dev.ferry.events.DrTarget;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.RegionSnapshotNames;
import dev.ferry.events.RegionSnapshotTags;
import dev.ferry.events.ReplicaMetadata;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.VhdExported;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.AzureRegion;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.importer.RegionSnapshots.ImportRequest;
import dev.ferry.importer.RegionSnapshots.RegionSnapshot;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.config.StagingAccountSettings;
import dev.ferry.support.step.StepRefused;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The import step: an exported VHD in a region-B staging account becomes a managed snapshot in the
 * DR resource group, then the VHD is deleted. A disk's replica (container {@code replicas}, the
 * {@code vhd-incremental} transfer, ADR 001) is imported in place and kept: it must hold the
 * event's snapshot as its generation before and after the import, and is then marked imported
 * ({@code ferry_imported}), which lets export-service write the next generation into it.
 * Idempotent: a redelivered event finds the snapshot it made (by its derived name and tags) and
 * only finishes what is left.
 */
@ApplicationScoped
public class VhdImporter {

    /** The container of export-service's replicas, one per source disk. */
    public static final String REPLICA_CONTAINER = ReplicaMetadata.CONTAINER;
    /** A replica's metadata: the snapshot whose data it holds, one being written into it, the generation imported. */
    static final String META_GENERATION = ReplicaMetadata.GENERATION;
    static final String META_PENDING = ReplicaMetadata.PENDING;
    static final String META_IMPORTED = ReplicaMetadata.IMPORTED;
    private static final Logger LOG = Logger.getLogger(VhdImporter.class);

    /** What the step did. */
    public enum Result {
        /** A new region-B snapshot was imported. */
        IMPORTED,
        /** The snapshot was already there from an earlier delivery; only the rest was done. */
        ALREADY_IMPORTED
    }

    /** The step's outcome: what it did and the event to announce it. */
    public record Outcome(Result result, boolean vhdDeleted, SnapshotRecreated event) {
    }

    private final ImportConfig config;
    private final RegionSnapshots snapshots;
    private final StagingBlobs blobs;
    private final Clock clock;

    public VhdImporter(ImportConfig config, RegionSnapshots snapshots, StagingBlobs blobs, Clock clock) {
        this.config = config;
        this.snapshots = snapshots;
        this.blobs = blobs;
        this.clock = clock;
    }

    /**
     * Imports one exported VHD.
     *
     * @throws StepRefused     if the event names an account, region or resource group that is not allowed,
     *                         or a snapshot of that name belongs to another backup
     * @throws AzureCallFailed if Azure refuses or fails
     */
    public Outcome importVhd(VhdExported exported) {
        VolumeBackup volume = exported.volume();
        DrTarget target = volume.target();
        String accountName = admit(exported);
        boolean replica = REPLICA_CONTAINER.equals(exported.vhd().container());
        String generation = volume.source().snapshotId().canonical();
        String name = RegionSnapshotNames.of(exported.backupId(), volume.pvc().uid());
        Optional<RegionSnapshot> existing = snapshots.find(target.subscriptionId(), target.resourceGroup(), name);
        Result result;
        RegionSnapshot snapshot;
        long importMillis = 0;
        if (existing.isPresent()) {
            snapshot = existing.get();
            requireOurs(snapshot, exported);
            if (!"Succeeded".equalsIgnoreCase(snapshot.provisioningState())) {
                throw new StepRefused("SnapshotNotProvisioned", "Snapshot " + snapshot.id() + " exists in provisioning state "
                        + snapshot.provisioningState() + "; it will be checked again on the next attempt.");
            }
            result = Result.ALREADY_IMPORTED;
            LOG.infof("region-B snapshot %s already exists; finishing the import", snapshot.id());
        } else {
            if (replica) {
                requireHoldingAlone(accountName, exported, generation);
            }
            long started = clock.millis();
            snapshot = snapshots.importVhd(new ImportRequest(target.subscriptionId(), target.resourceGroup(), name,
                    target.region(), exported.vhd().url(), exported.vhd().storageAccountId().toString(), config.snapshot().sku(),
                    RegionSnapshotTags.of(exported.backupId(), volume, RegionSnapshotTags.BY_IMPORT)));
            importMillis = clock.millis() - started;
            result = Result.IMPORTED;
            // export-service marks a write as pending before its first byte, and a full copy starts from a new blob:
            // a replica that still holds this generation alone was not written meanwhile (another delivery of this
            // event may have marked it imported, which changes only its ETag).
            if (replica && !holdsAlone(blobs.properties(accountName, exported.vhd().url()), generation)) {
                snapshots.delete(snapshot.id());
                throw new StepRefused("ReplicaChangedDuringImport", "The replica of this volume was written while "
                        + "it was imported; the imported snapshot was deleted.");
            }
            LOG.infof("imported region-B snapshot %s in %d ms", snapshot.id(), importMillis);
        }
        boolean deleted = false;
        if (replica) {
            markImported(accountName, exported, generation);
        } else {
            deleted = blobs.delete(accountName, exported.vhd().url());
        }
        SnapshotRecreated event = new SnapshotRecreated(FerryEvent.SCHEMA_VERSION, exported.backupId(), exported.correlationId(),
                volume, ArmResourceId.parse(snapshot.id()), snapshot.sizeBytes(), "import", exported.transfer(), importMillis,
                clock.instant());
        return new Outcome(result, deleted, event);
    }

    /**
     * Checks the event against the allow-lists before any Azure call; returns the staging account's
     * configured name.
     */
    String admit(VhdExported exported) {
        ArmResourceId accountId = exported.vhd().storageAccountId();
        DrTarget target = exported.volume().target();
        Map.Entry<String, StagingAccountSettings> account = config.stagingAccounts().entrySet().stream()
                .filter(e -> e.getValue().id().equals(accountId))
                .findFirst()
                .orElseThrow(() -> new StepRefused("StagingAccountNotAllowed",
                        "Storage account " + accountId + " is not a configured staging account."));
        if (!AzureRegion.same(account.getValue().region(), target.region())) {
            throw new StepRefused("StagingAccountInOtherRegion", "Storage account " + accountId + " is in region "
                    + account.getValue().region() + ", but the snapshot is to be made in " + target.region()
                    + "; Azure imports only from the same region.");
        }
        String endpoint = account.getValue().blobEndpoint().replaceAll("/+$", "") + "/";
        if (!exported.vhd().url().startsWith(endpoint)) {
            throw new StepRefused("VhdOutsideStagingAccount", "The VHD URL is not a blob of storage account " + accountId + ".");
        }
        // What is done with the blob afterwards (deleted, or kept as a replica) follows its container: the URL's.
        String container = exported.vhd().container();
        if (!Set.of("vhds", REPLICA_CONTAINER).contains(container)
                || !exported.vhd().url().startsWith(endpoint + container + "/")) {
            throw new StepRefused("VhdContainerMismatch", "The VHD's container must be vhds or " + REPLICA_CONTAINER
                    + " and the one its URL names.");
        }
        if (!config.targetResourceGroups().contains(new ResourceGroupId(target.subscriptionId(), target.resourceGroup()))) {
            throw new StepRefused("TargetResourceGroupNotAllowed", "Resource group " + target.resourceGroup()
                    + " of subscription " + target.subscriptionId() + " is not a configured target resource group.");
        }
        return account.getKey();
    }

    /** Before the import: the replica must hold the event's snapshot, and nothing be written into it. */
    private void requireHoldingAlone(String accountName, VhdExported exported, String generation) {
        Optional<StagingBlobs.ListedBlob> blob = blobs.properties(accountName, exported.vhd().url());
        if (blob.isEmpty()) {
            throw new StepRefused("ReplicaNotFound", "The replica named by the event does not exist.");
        }
        if (!holdsAlone(blob, generation)) {
            throw new StepRefused("ReplicaMovedOn", "The replica of this volume no longer holds snapshot "
                    + exported.volume().source().snapshotId().name() + " alone; it cannot be imported for this backup.");
        }
    }

    /** Whether the replica holds this generation and nothing is being written into it. */
    private static boolean holdsAlone(Optional<StagingBlobs.ListedBlob> blob, String generation) {
        return blob.isPresent() && generation.equals(blob.get().metadata().get(META_GENERATION))
                && blob.get().metadata().get(META_PENDING) == null;
    }

    /**
     * Marks the replica's generation imported (keeping its other metadata), so export-service may write the
     * next one; a replica that has moved on since was marked before.
     */
    private void markImported(String accountName, VhdExported exported, String generation) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<StagingBlobs.ListedBlob> blob = blobs.properties(accountName, exported.vhd().url());
            if (blob.isEmpty() || !generation.equals(blob.get().metadata().get(META_GENERATION))
                    || generation.equals(blob.get().metadata().get(META_IMPORTED))) {
                return;
            }
            Map<String, String> metadata = new java.util.LinkedHashMap<>(blob.get().metadata());
            metadata.put(META_IMPORTED, generation);
            if (blobs.setMetadataIfUnchanged(accountName, exported.vhd().url(), metadata, blob.get().etag())) {
                LOG.infof("marked the replica's generation %s imported", exported.volume().source().snapshotId().name());
                return;
            }
        }
        throw AzureCallFailed.worthAnotherAttempt("ReplicaBusy", 412,
                "The replica's metadata kept changing while it was marked imported.", null);
    }

    private static void requireOurs(RegionSnapshot snapshot, VhdExported exported) {
        Map<String, String> tags = snapshot.tags();
        if (!RegionSnapshotTags.belongsTo(tags, exported.backupId(), exported.volume().pvc().uid())) {
            throw new StepRefused("SnapshotNameTaken", "Snapshot " + snapshot.id() + " exists but belongs to backup "
                    + tags.get(RegionSnapshotTags.BACKUP_ID) + " and PVC " + tags.get(RegionSnapshotTags.PVC_UID) + ", not to this one.");
        }
    }

}
