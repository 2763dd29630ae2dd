package dev.ferry.restore;

import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.restore.catalog.CatalogLoader;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.InMemoryCatalog;
import dev.ferry.restore.catalog.RestorePoint;

/**
 * The ports of a restore in memory, for unit tests: the catalog and its view, region B's snapshots,
 * and a DR cluster with namespace {@code shop} and storage class {@code managed-csi}.
 */
final class InMemoryPorts {

    final InMemoryCatalog catalog = new InMemoryCatalog();
    final CatalogView view = new CatalogView();
    final CatalogLoader loader = new CatalogLoader(catalog, view);
    final InMemoryRegionSnapshots snapshots = new InMemoryRegionSnapshots();
    final InMemoryDrCluster cluster = new InMemoryDrCluster().withNamespace("shop").withStorageClass("managed-csi", "Immediate");

    /** Puts a restore point into the catalog (and so the view) with its region-B snapshots. */
    RestorePoint store(RestorePoint point) {
        for (CatalogEntry entry : point.volumes()) {
            catalog.record(entry);
            view.add(entry);
            snapshots.add(entry.snapshotId());
        }
        return point;
    }

    RestoreAdmission admission() {
        return new RestoreAdmission(view, loader, cluster, snapshots);
    }

    /** Whether a restore holds the restore point, so that retention cannot delete it. */
    boolean leased(String restorePointId) {
        if (!view.beginDelete(restorePointId)) {
            return true;
        }
        view.endDelete(restorePointId, false);
        return false;
    }
}
