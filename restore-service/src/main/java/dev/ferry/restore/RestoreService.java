package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import dev.ferry.events.RestoredVolume;
import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.config.RestoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * Restores a restore point on the DR cluster. {@link #accept} admits the request
 * ({@link RestoreAdmission}: everything is checked before anything is created, so a refused request
 * leaves nothing behind); {@link #run} then creates, per volume, a static VolumeSnapshotContent, a VolumeSnapshot bound to it and a PVC
 * restored from it, and waits for the PVCs. Names derive from the restore id, so running the same
 * restore again creates nothing twice.
 */
@ApplicationScoped
public class RestoreService {

    private static final Logger LOG = Logger.getLogger(RestoreService.class);

    /** Labels on everything a restore creates. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String RESTORE_ID_LABEL = "ferry.dev/restore-id";
    public static final String RESTORE_POINT_LABEL = "ferry.dev/restore-point-id";
    public static final String SNAPSHOT_ID_ANNOTATION = "ferry.dev/snapshot-id";
    public static final String SOURCE_ANNOTATION = "ferry.dev/source";

    private static final int KEPT_RUNS = 1000;

    private final RestoreAdmission admission;
    private final CatalogView view;
    private final DrCluster cluster;
    private final RestoreConfig config;
    private final Clock clock;
    private final Map<String, RestoreRun> runs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RestoreRun> eldest) {
            return size() > KEPT_RUNS && eldest.getValue().finished();
        }
    };

    public RestoreService(RestoreAdmission admission, CatalogView view, DrCluster cluster, RestoreConfig config, Clock clock) {
        this.admission = admission;
        this.view = view;
        this.cluster = cluster;
        this.config = config;
        this.clock = clock;
    }

    /** The restore of that id that this replica knows. */
    public synchronized Optional<RestoreRun> find(String restoreId) {
        return Optional.ofNullable(runs.get(restoreId));
    }

    /**
     * What {@link #accept} gave: the restore, and whether this call created it (and so must run it).
     * A known restore id returns the known restore, which its first caller runs.
     */
    public record Accepted(RestoreRun run, boolean isNew) {
    }

    /**
     * Checks a request and reserves its restore point. A request whose restore id is known returns
     * that restore (when it asks for the same thing) without doing anything again.
     *
     * @throws RestoreRefused when the request cannot be carried out; nothing was created
     */
    public Accepted accept(RestoreRequested request) {
        // The restore time runs from here: the checks are part of what a user waits for.
        Instant received = clock.instant();
        RestoreAdmission.checkValid(request);
        Optional<RestoreRun> known = known(request);
        if (known.isPresent()) {
            return new Accepted(known.get(), false);
        }
        RestoreRun run = new RestoreRun(admission.admit(request, received));
        synchronized (this) {
            if (runs.containsKey(request.restoreId())) {
                admission.withdraw(run.plan());
                return new Accepted(known(request).orElseThrow(), false);
            }
            runs.put(request.restoreId(), run);
        }
        LOG.infof("restore %s accepted: restore point %s (%s/%s, %d volumes) into namespace %s", request.restoreId(), run.point().id(),
                run.point().sourceCluster(), run.point().namespace(), run.point().volumes().size(), run.targetNamespace());
        return new Accepted(run, true);
    }

    /** The known restore of the request's id; refused if it asked for something else. */
    private synchronized Optional<RestoreRun> known(RestoreRequested request) {
        return Optional.ofNullable(runs.get(request.restoreId())).map(known -> RestoreAdmission.checkSameAsk(known, request));
    }

    /** Carries out an accepted restore and waits for its PVCs; returns it completed or failed. Runs it once only. */
    public RestoreRun run(RestoreRun run) {
        synchronized (run) {
            if (run.state() != RestoreRun.State.ACCEPTED) {
                return run;
            }
            run.running();
        }
        try {
            create(run);
            List<RestoredVolume> restored = awaitClaims(run);
            run.completed(restored, clock.instant());
            LOG.infof("restore %s completed in %d ms: %d PVCs in namespace %s", run.restoreId(), run.duration().toMillis(),
                    restored.size(), run.targetNamespace());
        } catch (RestoreFailed e) {
            run.failed(e.code, e.getMessage(), clock.instant());
            LOG.errorf("restore %s failed: %s", run.restoreId(), e.getMessage());
        } catch (RuntimeException e) {
            run.failed("RestoreFailed", "the DR cluster refused an object of the restore (" + e.getClass().getSimpleName() + ")",
                    clock.instant());
            LOG.errorf(e, "restore %s failed", run.restoreId());
        } finally {
            view.release(run.point().id());
        }
        return run;
    }

    private void create(RestoreRun run) {
        String namespace = run.targetNamespace();
        Map<String, String> labels = Map.of(MANAGED_BY, "ferry", RESTORE_ID_LABEL, run.restoreId(), RESTORE_POINT_LABEL, run.point().id());
        if (!cluster.namespaceExists(namespace)) {
            cluster.createNamespace(namespace, labels);
        }
        for (CatalogEntry entry : run.point().volumes()) {
            String name = objectName(run.restoreId(), entry.volume().volumeIndex());
            cluster.createSnapshotContent(name, entry.snapshotId().toString(), namespace, name, labels);
            cluster.createVolumeSnapshot(namespace, name, name, labels);
            Map<String, String> claimLabels = new HashMap<>();
            if (entry.volume().pvc().labels() != null) {
                claimLabels.putAll(entry.volume().pvc().labels());
            }
            claimLabels.putAll(labels);
            Map<String, String> annotations = Map.of(SNAPSHOT_ID_ANNOTATION, entry.snapshotId().toString(),
                    SOURCE_ANNOTATION, entry.volume().sourceCluster() + "/" + entry.volume().namespace() + "/" + entry.volume().pvc().name());
            cluster.createClaim(new RestoredClaim(namespace, entry.volume().pvc().name(), claimLabels, annotations,
                    entry.volume().pvc().accessModes(), entry.volume().pvc().volumeMode(), run.plan().storageClasses().get(entry.volume().volumeIndex()),
                    Math.max(entry.volume().pvc().requestedBytes(), entry.sizeBytes()), name));
            // A PVC of that name that appeared since the checks (another restore, a user) is never taken for ours.
            String owner = cluster.claimLabels(namespace, entry.volume().pvc().name()).map(l -> l.get(RESTORE_ID_LABEL)).orElse(null);
            if (!run.restoreId().equals(owner)) {
                throw new RestoreFailed("PvcConflict", "PVC " + namespace + "/" + entry.volume().pvc().name()
                        + " was created by someone else while this restore ran; it was left alone");
            }
        }
    }

    /** Reads the PVCs until each is Bound, or exists with a class that binds on first consumer; fails on Lost or the deadline. */
    private List<RestoredVolume> awaitClaims(RestoreRun run) {
        Duration timeout = config.restore().bindTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<RestoredVolume> restored = new ArrayList<>();
            List<String> waiting = new ArrayList<>();
            for (CatalogEntry entry : run.point().volumes()) {
                String name = entry.volume().pvc().name();
                String storageClass = run.plan().storageClasses().get(entry.volume().volumeIndex());
                Optional<String> phase = cluster.claimPhase(run.targetNamespace(), name);
                if (phase.isPresent() && phase.get().equals("Lost")) {
                    throw new RestoreFailed("ClaimLost", "PVC " + run.targetNamespace() + "/" + name + " is Lost");
                }
                boolean firstConsumer = run.plan().firstConsumerClasses().contains(storageClass);
                if (phase.isPresent() && (phase.get().equals("Bound") || firstConsumer)) {
                    restored.add(new RestoredVolume(name, entry.snapshotId(), storageClass,
                            Math.max(entry.volume().pvc().requestedBytes(), entry.sizeBytes()), phase.get().equals("Bound") ? "Bound" : "Pending"));
                } else {
                    waiting.add(name);
                }
            }
            if (waiting.isEmpty()) {
                return restored;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new RestoreFailed("BindTimeout", "PVCs " + waiting + " in namespace " + run.targetNamespace()
                        + " were not Bound within " + timeout);
            }
            LockSupport.parkNanos(config.restore().pollInterval().toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new RestoreFailed("Interrupted", "the service stopped while the restore waited for its PVCs");
            }
        }
    }

    /** {@code ferry-<restoreId>-<volumeIndex>}: the name of a restore's VolumeSnapshotContent and VolumeSnapshot. */
    public static String objectName(String restoreId, int volumeIndex) {
        return "ferry-" + restoreId + "-" + volumeIndex;
    }

    /** A restore that started and could not finish. */
    private static final class RestoreFailed extends RuntimeException {
        private final String code;

        RestoreFailed(String code, String message) {
            super(message);
            this.code = code;
        }
    }
}
