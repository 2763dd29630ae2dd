package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import dev.ferry.restore.RestoreRefused.Reason;
import dev.ferry.restore.catalog.CatalogLoader;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Finds the restore point of a restore request in the catalog view. A miss reads the catalog again
 * first (other replicas write to it too), at most every {@link #REFRESH_ON_MISS}.
 */
final class RestorePointFinder {

    /** A request for a restore point the view lacks reads the catalog again, at most this often. */
    private static final Duration REFRESH_ON_MISS = Duration.ofSeconds(5);

    private final CatalogView view;
    private final CatalogLoader loader;

    RestorePointFinder(CatalogView view, CatalogLoader loader) {
        this.view = view;
        this.loader = loader;
    }

    /** The restore point the request names, or the newest complete one of its namespace (any, with allowPartial). */
    RestorePoint find(RestoreRequested request) {
        if (request.restorePointId() != null) {
            return view.find(request.restorePointId()).or(() -> {
                loader.refreshUnlessFresh(REFRESH_ON_MISS);
                return view.find(request.restorePointId());
            }).orElseThrow(() -> new RestoreRefused(Reason.RESTORE_POINT_NOT_FOUND,
                    "restore point " + request.restorePointId() + " is not in the catalog"));
        }
        Optional<String> sourceCluster = Optional.ofNullable(request.sourceCluster());
        List<RestorePoint> listed = view.list(Optional.of(request.namespace()), sourceCluster);
        if (listed.isEmpty()) {
            loader.refreshUnlessFresh(REFRESH_ON_MISS);
            listed = view.list(Optional.of(request.namespace()), sourceCluster);
        }
        List<RestorePoint> points = listed;
        List<String> clusters = points.stream().map(RestorePoint::sourceCluster).distinct().sorted().toList();
        if (clusters.size() > 1) {
            throw new RestoreRefused(Reason.AMBIGUOUS_NAMESPACE, "namespace " + request.namespace()
                    + " is backed up from several clusters; name one as sourceCluster", clusters);
        }
        Optional<RestorePoint> latest = points.stream().filter(RestorePoint::complete).findFirst();
        if (latest.isEmpty() && request.allowPartial()) {
            latest = points.stream().findFirst();
        }
        return latest.orElseThrow(() -> new RestoreRefused(Reason.RESTORE_POINT_NOT_FOUND, "namespace " + request.namespace()
                + sourceCluster.map(c -> " of cluster " + c).orElse("") + " has no " + (points.isEmpty() ? "" : "complete ")
                + "restore point in the catalog"));
    }
}
