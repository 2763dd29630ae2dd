package dev.ferry.importer;

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
 * failed keeps its VHD for inspection) and snapshots made by this service whose backup has no
 * entry in the restore-point catalog (only when a catalog account is configured). Reports them,
 * and deletes them when told to.
 */
@ApplicationScoped
public class Sweeper {

    /** The container of the restore-point catalog in region B. */
    public static final String CATALOG_CONTAINER = "ferry-catalog";
    private static final String VHD_CONTAINER = "vhds";
    private static final String CATALOG_PREFIX = "restorepoints/";
    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    /** One leftover: what it is, its id or URL, why it counts as left over, and whether it was deleted. */
    public record Leftover(String kind, String id, String reason, boolean deleted) {
    }

    /** What one sweep found. */
    public record Report(Instant sweptAt, Duration minAge, boolean deleted, List<Leftover> leftovers) {
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
     * @param minAge only things at least this old count
     * @param delete whether to delete what is found
     */
    public Report sweep(Duration minAge, boolean delete) {
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
        }
        if (config.sweeper().catalogAccount().isEmpty()) {
            // Without the catalog nothing proves a snapshot orphaned: leave every snapshot alone.
            return report(now, minAge, delete, found);
        }
        Set<String> cataloged = catalogedBackups(config.sweeper().catalogAccount().get());
        for (String group : config.targetResourceGroups()) {
            for (RegionSnapshots.RegionSnapshot snapshot : snapshots.list(group)) {
                String backupId = snapshot.tags().get(VhdImporter.TAG_BACKUP_ID);
                boolean ours = "import-service".equals(snapshot.tags().get(VhdImporter.TAG_CREATED_BY)) && backupId != null;
                if (ours && !snapshot.timeCreated().isAfter(cutoff) && !cataloged.contains(backupId)) {
                    if (delete) {
                        snapshots.delete(snapshot.id());
                    }
                    found.add(new Leftover("snapshot", snapshot.id(), "backup " + backupId + " is not in the restore-point catalog", delete));
                }
            }
        }
        return report(now, minAge, delete, found);
    }

    private static Report report(Instant now, Duration minAge, boolean delete, List<Leftover> found) {
        if (!found.isEmpty()) {
            LOG.infof("sweep found %d leftover(s)%s", found.size(), delete ? " and deleted them" : "");
        }
        return new Report(now, minAge, delete, List.copyOf(found));
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
