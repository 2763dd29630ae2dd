package dev.ferry.localcloud.azure.compute;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fake's Resource Manager state: resource groups, storage accounts, disks, snapshots and the
 * SAS grants on snapshots, with the rules Azure applies to them. Both the REST front
 * ({@code ComputeApi}) and tests (as a seeding API) drive it.
 */
public final class ComputeState {

    /** Azure allows at most this many concurrent SAS grants per incremental snapshot family. */
    public static final int MAX_GRANTS_PER_FAMILY = 5;
    /**
     * Azure copies at most this many incremental snapshots across regions at once per subscription and target
     * region (CopyStart).
     */
    public static final int COPY_START_LIMIT = 100;
    /** Import works only from VHDs of at most this size. */
    public static final long MAX_IMPORT_BYTES = 8L << 40;
    /** A gibibyte: the unit of a disk's {@code diskSizeGB}. */
    static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    private final Map<String, String> resourceGroups = new ConcurrentHashMap<>();
    private final Map<ResourceKey, StorageAccount> storageAccounts = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Disk> disks = new ConcurrentHashMap<>();
    private final Map<ResourceKey, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, AccessGrant> grants = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final VhdReader vhdReader;
    private volatile int copyStartLimit = COPY_START_LIMIT;
    private final DiskSnapshotRate snapshotRate = new DiskSnapshotRate();

    public ComputeState(Clock clock, VhdReader vhdReader) {
        this.clock = clock;
        this.vhdReader = vhdReader;
    }

    // ---- Azure's limits, settable from tests ------------------------------------------------------

    /** How many CopyStart copies may be in progress at once per subscription and target region (Azure's 100). */
    public void copyStartLimit(int copies) {
        if (copies <= 0) {
            throw new IllegalArgumentException("the CopyStart limit must be positive, not " + copies);
        }
        this.copyStartLimit = copies;
    }

    /** How many incremental snapshots of one disk may be taken within {@code window} (Azure's 7 in 5 minutes). */
    public void snapshotsPerDiskLimit(int count, Duration window) {
        snapshotRate.limit(count, window);
    }

    // ---- seeding -------------------------------------------------------------------------------

    /** Creates (or keeps) a resource group in a region. */
    public void createResourceGroup(String subscriptionId, String name, String region) {
        resourceGroups.put(groupKey(subscriptionId, name), Locations.normalize(region));
    }

    /** The region of a resource group, or null for a group the fake does not hold. */
    public String resourceGroupRegion(String subscriptionId, String name) {
        return resourceGroups.get(groupKey(subscriptionId, name));
    }

    /** The regions of the fake's resource groups, sorted. */
    public List<String> regions() {
        return resourceGroups.values().stream().distinct().sorted().toList();
    }

    /** Registers a storage account whose blobs live in an Azurite account behind the storage front. */
    public StorageAccount registerStorageAccount(String subscriptionId, String resourceGroup, String name, String region,
                                                 String blobEndpoint, String connectionString) {
        requireResourceGroup(subscriptionId, resourceGroup);
        StorageAccount account = new StorageAccount(ResourceKey.storageAccount(subscriptionId, resourceGroup, name),
                Locations.normalize(region), blobEndpoint, connectionString);
        storageAccounts.put(account.key(), account);
        return account;
    }

    /** A registered storage account. */
    public StorageAccount storageAccount(String subscriptionId, String resourceGroup, String name) {
        StorageAccount account = storageAccounts.get(ResourceKey.storageAccount(subscriptionId, resourceGroup, name));
        if (account == null) {
            throw ArmError.notFound("Microsoft.Storage/storageAccounts", name);
        }
        return account;
    }

    /** Creates an empty disk at once (no long-running operation): for tests and the local run. */
    public Disk createEmptyDisk(ResourceKey key, String region, long sizeBytes, Map<String, String> tags) {
        Disk disk = createDisk(key, region, sizeBytes, tags, "Standard_LRS", null);
        disk.provisioned();
        return disk;
    }

    // ---- disks ---------------------------------------------------------------------------------

    /**
     * Creates a disk, empty or from a snapshot in the same region; its provisioning state stays
     * Updating until {@link #provisioned(Disk)}.
     */
    public Disk createDisk(ResourceKey key, String region, long sizeBytes, Map<String, String> tags, String sku,
                           String sourceSnapshotId) {
        requireResourceGroup(key.subscriptionId(), key.resourceGroup());
        String location = Locations.normalize(region);
        if (disks.containsKey(key)) {
            throw ArmError.conflict("OperationNotAllowed", "Disk '" + key.name() + "' already exists; changing it is not supported by the fake.");
        }
        SparseContent content;
        String createOption;
        if (sourceSnapshotId == null) {
            if (sizeBytes <= 0 || sizeBytes % GIB != 0) {
                throw ArmError.badRequest("InvalidParameter", "diskSizeGB must be a positive whole number of GiB.");
            }
            content = new SparseContent(sizeBytes);
            createOption = "Empty";
        } else {
            Snapshot source = snapshot(ResourceKey.parse(sourceSnapshotId))
                    .orElseThrow(() -> ArmError.notFound("Microsoft.Compute/snapshots", sourceSnapshotId));
            if (!source.region().equals(location)) {
                throw ArmError.badRequest("BadRequest", "The source snapshot '" + source.id() + "' is in region '"
                        + source.region() + "', but the disk is to be created in region '" + location
                        + "'. A disk can be created only from a snapshot in the same region.");
            }
            if (source.content() == null) {
                throw ArmError.conflict("OperationNotAllowed", "The snapshot '" + source.id()
                        + "' cannot be used while its copy is in progress (completionPercent "
                        + source.completionPercent() + ").");
            }
            long size = sizeBytes > 0 ? sizeBytes : source.sizeBytes();
            if (size < source.sizeBytes()) {
                throw ArmError.badRequest("InvalidParameter", "The disk size must not be smaller than the snapshot size.");
            }
            content = source.content().grownTo(size);
            createOption = "Copy";
        }
        Disk disk = new Disk(key, location, content.size(), content, tags, createOption, sourceSnapshotId, sku);
        disks.put(key, disk);
        return disk;
    }

    public void provisioned(Disk disk) {
        disk.provisioned();
    }

    public Optional<Disk> disk(ResourceKey key) {
        return key == null ? Optional.empty() : Optional.ofNullable(disks.get(key));
    }

    /** Deletes a disk; returns whether it existed. */
    public boolean deleteDisk(ResourceKey key) {
        return disks.remove(key) != null;
    }

    public List<Disk> disks(String subscriptionId, String resourceGroup) {
        return disks.values().stream().filter(d -> inGroup(d.key(), subscriptionId, resourceGroup)).toList();
    }

    // ---- snapshots -----------------------------------------------------------------------------

    /** Snapshots a disk in its own region, fully or incrementally. */
    public Snapshot copyDisk(ResourceKey key, String region, String sourceDiskId, boolean incremental,
                             Map<String, String> tags, String sku) {
        prepareSnapshot(key);
        Disk disk = disk(ResourceKey.parse(sourceDiskId))
                .orElseThrow(() -> ArmError.notFound("Microsoft.Compute/disks", sourceDiskId));
        String location = Locations.normalize(region);
        if (!disk.region().equals(location)) {
            throw ArmError.badRequest("BadRequest", "The snapshot must be created in the region of its source disk '"
                    + disk.region() + "', not '" + location + "'. Use CopyStart to copy a snapshot to another region.");
        }
        if (incremental) {
            snapshotRate.take(disk, clock.instant());
        }
        String family = incremental ? disk.snapshotFamilyId() : null;
        Snapshot snapshot = new Snapshot(key, location, disk.sizeBytes(), incremental, family, "Copy", disk.id(),
                disk.uniqueId(), null, null, tags, sku, disk.content().copy(), sequence.incrementAndGet());
        snapshots.put(key, snapshot);
        return snapshot;
    }

    /**
     * Imports a fixed VHD page blob from a storage account in the snapshot's region, as Azure does:
     * the footer must be a valid fixed-VHD footer and the size a whole number of MiB plus 512.
     */
    public Snapshot importVhd(ResourceKey key, String region, String sourceUri, String storageAccountId,
                              Map<String, String> tags, String sku) {
        prepareSnapshot(key);
        String location = Locations.normalize(region);
        if (sourceUri == null || storageAccountId == null) {
            throw ArmError.badRequest("InvalidParameter", "Import requires creationData.sourceUri and creationData.storageAccountId.");
        }
        if (sourceUri.contains("?")) {
            throw ArmError.badRequest("InvalidParameter", "creationData.sourceUri must be the blob URL without a SAS.");
        }
        StorageAccount account = Optional.ofNullable(ResourceKey.parse(storageAccountId)).map(storageAccounts::get)
                .orElseThrow(() -> ArmError.notFound("Microsoft.Storage/storageAccounts", storageAccountId));
        if (!account.region().equals(location)) {
            throw ArmError.badRequest("InvalidParameter", "The storage account '" + account.name() + "' is in region '"
                    + account.region() + "', but the snapshot is in region '" + location
                    + "'. Import requires a storage account in the same region.");
        }
        if (!sourceUri.startsWith(account.blobEndpoint())) {
            throw ArmError.badRequest("InvalidParameter", "creationData.sourceUri is not a blob of storage account '"
                    + account.name() + "'.");
        }
        VhdReader.Vhd vhd = vhdReader.read(account, sourceUri);
        if (vhd.blobBytes() - VhdFooter.SIZE > MAX_IMPORT_BYTES) {
            throw ArmError.badRequest("InvalidParameter", "The VHD is larger than the 8 TiB that Import allows.");
        }
        if (vhd.blobBytes() <= VhdFooter.SIZE || (vhd.blobBytes() - VhdFooter.SIZE) % MIB != 0) {
            throw ArmError.badRequest("InvalidParameter", "The VHD's size " + vhd.blobBytes()
                    + " is not a whole number of MiB plus the 512-byte footer.");
        }
        String problem = VhdFooter.problem(vhd.footer(), vhd.blobBytes());
        if (problem != null) {
            throw ArmError.badRequest("InvalidParameter", "The VHD at '" + sourceUri + "' is not a supported fixed VHD: " + problem + ".");
        }
        Snapshot snapshot = new Snapshot(key, location, vhd.data().size(), false, null, "Import", null, null,
                sourceUri, account.id(), tags, sku, vhd.data(), sequence.incrementAndGet());
        snapshots.put(key, snapshot);
        return snapshot;
    }

    /**
     * Starts Azure's native cross-region copy of an incremental snapshot at the standard speed. The new snapshot
     * joins the source's family; its content arrives through {@link #advanceCopy}. Azure allows one copy
     * per disk at a time, in the order the snapshots were taken.
     */
    public Snapshot copyStart(ResourceKey key, String region, String sourceSnapshotId, Map<String, String> tags, String sku) {
        return copyStart(key, region, sourceSnapshotId, tags, sku, null);
    }

    /**
     * Starts Azure's native cross-region copy of an incremental snapshot, as {@link #copyStart(ResourceKey, String,
     * String, Map, String)} does, at the speed the request asked for.
     *
     * @param copySpeed {@code creationData.provisionedBandwidthCopySpeed} as asked ({@code None} or
     *                  {@code Enhanced}), or null when the request did not name one
     */
    public Snapshot copyStart(ResourceKey key, String region, String sourceSnapshotId, Map<String, String> tags, String sku,
                              String copySpeed) {
        prepareSnapshot(key);
        Snapshot source = snapshot(ResourceKey.parse(sourceSnapshotId))
                .orElseThrow(() -> ArmError.notFound("Microsoft.Compute/snapshots", sourceSnapshotId));
        String location = Locations.normalize(region);
        if (!source.incremental()) {
            throw ArmError.badRequest("BadRequest", "CopyStart is supported only for incremental snapshots; '"
                    + source.id() + "' is a full snapshot.");
        }
        if (source.region().equals(location)) {
            throw ArmError.badRequest("BadRequest", "CopyStart copies a snapshot to another region; the source is already in '"
                    + location + "'.");
        }
        synchronized (this) {
            for (Snapshot other : snapshots.values()) {
                if (!"CopyStart".equals(other.createOption()) || !source.familyId().equals(other.familyId())) {
                    continue;
                }
                if (other.copyInProgress()) {
                    throw ArmError.conflict("OperationNotAllowed", "A copy of another snapshot of the same disk is in progress ('"
                            + other.id() + "'); only one copy per disk may run at a time.");
                }
                Snapshot copiedSource = snapshot(ResourceKey.parse(other.sourceResourceId())).orElse(null);
                if (copiedSource != null && copiedSource.sequence() > source.sequence()) {
                    throw ArmError.conflict("OperationNotAllowed", "Snapshot '" + copiedSource.id()
                            + "', taken after '" + source.id() + "', was already copied; copies must follow creation order.");
                }
            }
            long inProgress = copiesInProgress(key.subscriptionId(), location);
            if (inProgress >= copyStartLimit) {
                throw ArmError.conflict("OperationNotAllowed", "Subscription '" + key.subscriptionId() + "' already has "
                        + inProgress + " incremental snapshot copies in progress to region '" + location + "'; at most "
                        + copyStartLimit + " may be copied at a time per subscription and target region.");
            }
            Snapshot snapshot = new Snapshot(key, location, source.sizeBytes(), true, source.familyId(), "CopyStart",
                    source.id(), source.uniqueId(), null, null, tags, sku, null, sequence.incrementAndGet());
            snapshot.copySpeed(copySpeed);
            snapshots.put(key, snapshot);
            return snapshot;
        }
    }

    /** The CopyStart copies of a subscription still in progress into {@code region}. */
    private long copiesInProgress(String subscriptionId, String region) {
        return snapshots.values().stream().filter(s -> "CopyStart".equals(s.createOption()) && s.copyInProgress()
                && s.region().equals(region) && s.key().subscriptionId().equalsIgnoreCase(subscriptionId)).count();
    }

    /**
     * Moves a CopyStart forward to {@code copiedBytes} of the source's written bytes; completes it
     * when all are copied, or fails it if the source is gone. Returns whether the copy is over.
     */
    public boolean advanceCopy(Snapshot copy, long copiedBytes) {
        Snapshot source = snapshot(ResourceKey.parse(copy.sourceResourceId())).orElse(null);
        if (source == null || source.content() == null) {
            copy.copyFailed("CopySourceNotFound", "The source snapshot '" + copy.sourceResourceId()
                    + "' was deleted before the copy completed.");
            return true;
        }
        long total = Math.max(source.content().writtenBytes(), 1);
        if (copiedBytes >= total) {
            copy.copyCompleted(source.content().copy());
            return true;
        }
        copy.copyProgress(100.0 * copiedBytes / total);
        return false;
    }

    public void provisioned(Snapshot snapshot) {
        snapshot.provisioned();
    }

    public Optional<Snapshot> snapshot(ResourceKey key) {
        return key == null ? Optional.empty() : Optional.ofNullable(snapshots.get(key));
    }

    public List<Snapshot> snapshots(String subscriptionId, String resourceGroup) {
        return snapshots.values().stream().filter(s -> inGroup(s.key(), subscriptionId, resourceGroup))
                .sorted(java.util.Comparator.comparingLong(Snapshot::sequence)).toList();
    }

    public Collection<Snapshot> allSnapshots() {
        return List.copyOf(snapshots.values());
    }

    /**
     * Deletes a snapshot; returns whether it existed. Azure refuses while a SAS on it is active.
     */
    public boolean deleteSnapshot(ResourceKey key) {
        Snapshot snapshot = snapshots.get(key);
        if (snapshot == null) {
            return false;
        }
        if (activeGrant(snapshot.key()).isPresent()) {
            throw ArmError.conflict("OperationNotAllowed", "Snapshot '" + key.name()
                    + "' has an active SAS; revoke the access (endGetAccess) before deleting it.");
        }
        return snapshots.remove(key) != null;
    }

    // ---- access grants -------------------------------------------------------------------------

    /**
     * Grants read access on a snapshot for {@code duration}: reuses an active grant on the same
     * snapshot, and refuses a sixth concurrent grant within one snapshot family.
     */
    public synchronized AccessGrant grantAccess(ResourceKey key, Duration duration) {
        Snapshot snapshot = snapshot(key).orElseThrow(() -> ArmError.notFound("Microsoft.Compute/snapshots", key.id()));
        if (snapshot.content() == null || !"Succeeded".equals(snapshot.provisioningState())) {
            throw ArmError.conflict("OperationNotAllowed", "Snapshot '" + key.name() + "' is not ready for access.");
        }
        Optional<AccessGrant> existing = activeGrant(key);
        if (existing.isPresent()) {
            return existing.get();
        }
        String family = snapshot.familyId() != null ? snapshot.familyId() : snapshot.uniqueId();
        Instant now = clock.instant();
        long active = grants.values().stream().filter(g -> g.activeAt(now) && g.familyId().equals(family)).count();
        if (active >= MAX_GRANTS_PER_FAMILY) {
            throw ArmError.conflict("OperationNotAllowed", "The snapshot family of '" + key.name() + "' already has "
                    + active + " active SAS grants; at most " + MAX_GRANTS_PER_FAMILY + " are allowed at a time.");
        }
        AccessGrant grant = new AccessGrant(randomToken(12), randomToken(32), key, family, now.plus(duration));
        grants.put(grant.token(), grant);
        return grant;
    }

    /** Revokes every grant on a snapshot; later reads through them are refused. */
    public synchronized void revokeAccess(ResourceKey key) {
        grants.values().removeIf(g -> {
            if (g.snapshot().equals(key)) {
                g.revoke();
                return true;
            }
            return !g.activeAt(clock.instant());
        });
    }

    public Optional<AccessGrant> activeGrant(ResourceKey snapshot) {
        Instant now = clock.instant();
        return grants.values().stream().filter(g -> g.snapshot().equals(snapshot) && g.activeAt(now)).findFirst();
    }

    /** The grant with this token, active or not (a revoked one is kept out of the map). */
    public Optional<AccessGrant> grant(String token) {
        return Optional.ofNullable(grants.get(token));
    }

    public Instant now() {
        return clock.instant();
    }

    // ---- helpers of the rules above --------------------------------------------------------------

    private void prepareSnapshot(ResourceKey key) {
        requireResourceGroup(key.subscriptionId(), key.resourceGroup());
        if (snapshots.containsKey(key)) {
            throw ArmError.conflict("OperationNotAllowed", "Snapshot '" + key.name()
                    + "' already exists; changing its source is not supported.");
        }
    }

    private void requireResourceGroup(String subscriptionId, String name) {
        if (!resourceGroups.containsKey(groupKey(subscriptionId, name))) {
            throw new ArmError(404, "ResourceGroupNotFound", "Resource group '" + name + "' could not be found.");
        }
    }

    private static boolean inGroup(ResourceKey key, String subscriptionId, String resourceGroup) {
        return key.subscriptionId().equalsIgnoreCase(subscriptionId) && key.resourceGroup().equalsIgnoreCase(resourceGroup);
    }

    private static String groupKey(String subscriptionId, String name) {
        return (subscriptionId + "/" + name).toLowerCase(Locale.ROOT);
    }

    private String randomToken(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toLowerCase(Locale.ROOT).replace('_', 'x').replace('-', 'y');
    }
}
