package dev.ferry.importer;

import dev.ferry.events.RegionSnapshotTags;
import dev.ferry.events.ReplicaMetadata;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.importer.config.ImportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Finds what Ferry left behind in region B: VHD blobs in the staging accounts (an import that
 * failed keeps its VHD for inspection), export-service's replicas of disks that have no backups any
 * more (not written for longer than the replica grace: every backup of a disk rewrites its replica)
 * and snapshots made by this service whose backup has no entry in the restore-point catalog (only
 * when a catalog account is configured). Reports them, and deletes them when told to.
 */
@ApplicationScoped
public class Sweeper {

    /** The container of the restore-point catalog in region B. */
    public static final String CATALOG_CONTAINER = "ferry-catalog";
    private static final String VHD_CONTAINER = "vhds";
    /** export-service's replicas, one page blob per source disk; only blobs of {@link #KIND_REPLICA} are swept there. */
    static final String REPLICA_CONTAINER = ReplicaMetadata.CONTAINER;
    /** The replica's metadata, as export-service writes it (beside its tags {@code ferry.kind}, {@code ferry.createdBy}). */
    static final String META_KIND = ReplicaMetadata.KIND;
    static final String KIND_REPLICA = ReplicaMetadata.KIND_REPLICA;
    static final String META_CREATED_BY = ReplicaMetadata.CREATED_BY;
    static final String CREATED_BY_EXPORT = "export-service";
    static final String META_SOURCE_DISK = ReplicaMetadata.SOURCE_DISK;
    private static final String CATALOG_PREFIX = "restorepoints/";
    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    /** One leftover: what it is, its id or URL, why it counts as left over, and whether it was deleted. */
    public record Leftover(String kind, String id, String reason, boolean deleted) {
    }

    /** What one sweep found, and the ages it went by. */
    public record Report(Instant sweptAt, Duration minAge, Duration replicaGrace, boolean deleted, List<Leftover> leftovers) {
    }

    private final ImportConfig config;
    private final StagingBlobs blobs;
    private final RegionSnapshots snapshots;
    private final Clock clock;

    public Sweeper(ImportConfig config, StagingBlobs blobs, RegionSnapshots snapshots, Clock clock) {
        this.config = config;
        this.blobs = blobs;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /**
     * Sweeps once.
     *
     * @param minAge       only VHDs and snapshots at least this old count
     * @param replicaGrace only replicas not written for longer than this count
     * @param delete       whether to delete what is found
     */
    public Report sweep(Duration minAge, Duration replicaGrace, boolean delete) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(minAge);
        List<Leftover> found = new ArrayList<>();
        for (String account : config.stagingAccounts().keySet()) {
            for (StagingBlobs.ListedBlob vhd : blobs.list(account, VHD_CONTAINER, "")) {
                if (!vhd.lastModified().isAfter(cutoff)) {
                    boolean deleted = delete && blobs.delete(account, vhd.url());
                    found.add(new Leftover("vhd", vhd.url(), "a VHD in " + account + " not imported or not cleaned up", deleted));
                }
            }
            found.addAll(staleReplicas(account, now.minus(replicaGrace), replicaGrace, delete));
        }
        if (config.sweeper().catalogAccount().isEmpty()) {
            // Without the catalog nothing proves a snapshot orphaned: leave every snapshot alone.
            return report(now, minAge, replicaGrace, delete, found);
        }
        Set<String> cataloged = catalogedBackups(config.sweeper().catalogAccount().get());
        for (ResourceGroupId group : config.targetResourceGroups()) {
            for (RegionSnapshots.RegionSnapshot snapshot : snapshots.list(group)) {
                String backupId = snapshot.tags().get(RegionSnapshotTags.BACKUP_ID);
                boolean ours = RegionSnapshotTags.madeByFerry(snapshot.tags());
                if (ours && !snapshot.timeCreated().isAfter(cutoff) && !cataloged.contains(backupId)) {
                    if (delete) {
                        snapshots.delete(snapshot.id());
                    }
                    found.add(new Leftover("snapshot", snapshot.id(), "backup " + backupId + " is not in the restore-point catalog", delete));
                }
            }
        }
        return report(now, minAge, replicaGrace, delete, found);
    }

    /**
     * The replicas of an account last written before {@code writtenBefore}. Every backup of a disk
     * rewrites its replica's metadata, so such a replica belongs to a disk whose backups stopped; its
     * next backup, if any, makes a full copy. Deleted only if still as listed: a backup that began
     * meanwhile keeps it. A blob in the container that is not export-service's replica is never touched.
     */
    private List<Leftover> staleReplicas(String account, Instant writtenBefore, Duration replicaGrace, boolean delete) {
        List<Leftover> found = new ArrayList<>();
        for (StagingBlobs.ListedBlob replica : blobs.list(account, REPLICA_CONTAINER, "")) {
            if (!isReplica(replica) || !replica.lastModified().isBefore(writtenBefore)) {
                continue;
            }
            String disk = replica.metadata().getOrDefault(META_SOURCE_DISK, replica.name());
            String reason = "the replica in " + account + " of disk " + disk + " was last written at " + replica.lastModified()
                    + ", longer ago than the replica grace of " + replicaGrace + ": the disk is no longer backed up";
            boolean deleted = false;
            if (delete) {
                StagingBlobs.Deletion deletion = blobs.deleteIfUnchanged(account, replica.url(), replica.etag());
                deleted = deletion == StagingBlobs.Deletion.DELETED;
                if (deletion == StagingBlobs.Deletion.CHANGED) {
                    reason += "; written since it was listed (a backup of the disk began), so kept";
                }
            }
            found.add(new Leftover("replica", replica.url(), reason, deleted));
        }
        return found;
    }

    /** export-service's replica of a disk: kind {@code replica}, made by export-service (its metadata, set with its tags). */
    private static boolean isReplica(StagingBlobs.ListedBlob blob) {
        return KIND_REPLICA.equals(blob.metadata().get(META_KIND)) && CREATED_BY_EXPORT.equals(blob.metadata().get(META_CREATED_BY));
    }

    private static Report report(Instant now, Duration minAge, Duration replicaGrace, boolean delete, List<Leftover> found) {
        if (!found.isEmpty()) {
            long deleted = found.stream().filter(Leftover::deleted).count();
            LOG.infof("sweep found %d leftover(s)%s", found.size(), delete ? ", deleted " + deleted : "");
        }
        return new Report(now, minAge, replicaGrace, delete, List.copyOf(found));
    }

    /** The backup ids that have entries in the catalog: {@code restorepoints/<cluster>/<namespace>/<backupId>/...}. */
    private Set<String> catalogedBackups(String account) {
        Set<String> ids = new HashSet<>();
        for (StagingBlobs.ListedBlob entry : blobs.list(account, CATALOG_CONTAINER, CATALOG_PREFIX)) {
            String[] parts = entry.name().split("/");
            if (parts.length >= 5) {
                ids.add(parts[3]);
            }
        }
        return ids;
    }
}
