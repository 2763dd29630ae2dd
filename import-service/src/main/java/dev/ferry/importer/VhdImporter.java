package dev.ferry.importer;

import dev.ferry.support.step.StepRefused;

import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.events.DrTarget;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.VhdExported;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.importer.RegionSnapshots.ImportRequest;
import dev.ferry.importer.RegionSnapshots.RegionSnapshot;
import dev.ferry.importer.config.ImportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The import step: an exported VHD in a region-B staging account becomes a managed snapshot in the
 * DR resource group, then the VHD is deleted. Idempotent: a redelivered event finds the snapshot
 * it made (by its derived name and tags) and only finishes what is left.
 */
@ApplicationScoped
public class VhdImporter {

    public static final String TAG_BACKUP_ID = "ferry.backupId";
    public static final String TAG_PVC_UID = "ferry.pvcUid";
    public static final String TAG_NAMESPACE = "ferry.namespace";
    public static final String TAG_PVC = "ferry.pvc";
    public static final String TAG_CREATED_BY = "ferry.createdBy";
    private static final String SERVICE = "import-service";
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
        String name = SnapshotNames.of(exported.backupId(), volume.pvc().uid());
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
            long started = clock.millis();
            snapshot = snapshots.importVhd(new ImportRequest(target.subscriptionId(), target.resourceGroup(), name,
                    target.region(), exported.vhd().url(), exported.vhd().storageAccountId().toString(), config.snapshot().sku(),
                    tags(exported)));
            importMillis = clock.millis() - started;
            result = Result.IMPORTED;
            LOG.infof("imported region-B snapshot %s in %d ms", snapshot.id(), importMillis);
        }
        boolean deleted = blobs.delete(accountName, exported.vhd().url());
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
        Map.Entry<String, ImportConfig.StagingAccount> account = config.stagingAccounts().entrySet().stream()
                .filter(e -> ArmResourceId.parse(e.getValue().id()).equals(accountId))
                .findFirst()
                .orElseThrow(() -> new StepRefused("StagingAccountNotAllowed",
                        "Storage account " + accountId + " is not a configured staging account."));
        if (!account.getValue().region().equalsIgnoreCase(target.region())) {
            throw new StepRefused("StagingAccountInOtherRegion", "Storage account " + accountId + " is in region "
                    + account.getValue().region() + ", but the snapshot is to be made in " + target.region()
                    + "; Azure imports only from the same region.");
        }
        String endpoint = account.getValue().blobEndpoint().replaceAll("/+$", "") + "/";
        if (!exported.vhd().url().startsWith(endpoint)) {
            throw new StepRefused("VhdOutsideStagingAccount", "The VHD URL is not a blob of storage account " + accountId + ".");
        }
        String group = ("/subscriptions/" + target.subscriptionId() + "/resourceGroups/" + target.resourceGroup()).toLowerCase(Locale.ROOT);
        boolean allowed = config.targetResourceGroups().stream().anyMatch(g -> g.replaceAll("/+$", "").toLowerCase(Locale.ROOT).equals(group));
        if (!allowed) {
            throw new StepRefused("TargetResourceGroupNotAllowed", "Resource group " + target.resourceGroup()
                    + " of subscription " + target.subscriptionId() + " is not a configured target resource group.");
        }
        return account.getKey();
    }

    private static void requireOurs(RegionSnapshot snapshot, VhdExported exported) {
        Map<String, String> tags = snapshot.tags();
        if (!exported.backupId().equals(tags.get(TAG_BACKUP_ID)) || !exported.volume().pvc().uid().equals(tags.get(TAG_PVC_UID))) {
            throw new StepRefused("SnapshotNameTaken", "Snapshot " + snapshot.id() + " exists but belongs to backup "
                    + tags.get(TAG_BACKUP_ID) + " and PVC " + tags.get(TAG_PVC_UID) + ", not to this one.");
        }
    }

    private static Map<String, String> tags(VhdExported exported) {
        VolumeBackup volume = exported.volume();
        return Map.of(TAG_BACKUP_ID, exported.backupId(), TAG_PVC_UID, volume.pvc().uid(), TAG_NAMESPACE, volume.namespace(),
                TAG_PVC, volume.pvc().name(), TAG_CREATED_BY, SERVICE);
    }
}
