package dev.ferry.restore.catalog;

import dev.ferry.restore.RegionSnapshots;
import dev.ferry.restore.config.RestoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Deletes the restore points that the policy no longer keeps: first their region-B snapshots, then
 * their catalog entries (so a deletion cut short is finished by the next run, never leaks a
 * snapshot). A restore point that a restore is using is skipped and left for the next run.
 */
@ApplicationScoped
public class RestorePointRetention {

    private static final Logger LOG = Logger.getLogger(RestorePointRetention.class);

    /** What one retention run did. */
    public record Outcome(List<String> deleted, List<String> skippedInUse, List<String> failed) {
    }

    private final CatalogView view;
    private final Catalog catalog;
    private final RegionSnapshots snapshots;
    private final RestoreConfig config;
    private final Clock clock;

    public RestorePointRetention(CatalogView view, Catalog catalog, RegionSnapshots snapshots, RestoreConfig config, Clock clock) {
        this.view = view;
        this.catalog = catalog;
        this.snapshots = snapshots;
        this.config = config;
        this.clock = clock;
    }

    /** Applies retention to the restore points of the same source cluster, namespace and policy as {@code point}. */
    public Outcome apply(RestorePoint point) {
        List<RestorePoint> group = view.list(Optional.of(point.namespace()), Optional.of(point.sourceCluster())).stream()
                .filter(p -> p.policy().equals(point.policy())).toList();
        int keep = config.retention().keep().getOrDefault(point.policy(), config.retention().defaultKeep());
        List<String> deleted = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (RestorePoint doomed : RestorePointRetentionPlan.doomed(group, keep, config.retention().partialMaxAge(), clock.instant())) {
            if (!view.beginDelete(doomed.id())) {
                LOG.infof("retention skips restore point %s: a restore is using it", doomed.id());
                skipped.add(doomed.id());
                continue;
            }
            boolean done = false;
            try {
                for (CatalogEntry entry : doomed.volumes()) {
                    snapshots.delete(entry.snapshotId());
                    catalog.delete(entry);
                    view.removeEntry(entry);
                }
                done = true;
                deleted.add(doomed.id());
                LOG.infof("retention deleted restore point %s of %s/%s (policy %s, keep %d)", doomed.id(), doomed.sourceCluster(),
                        doomed.namespace(), doomed.policy(), keep);
            } catch (RuntimeException e) {
                LOG.warnf("retention could not delete restore point %s; the next run tries again: %s", doomed.id(), e.getMessage());
                failed.add(doomed.id());
            } finally {
                view.endDelete(doomed.id(), done);
            }
        }
        return new Outcome(deleted, skipped, failed);
    }
}
