package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import dev.ferry.events.RestoredVolume;
import dev.ferry.events.validation.Violations;
import dev.ferry.restore.RestoreRefused.Reason;
import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.restore.catalog.CatalogLoader;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.restore.config.RestoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * Restores a restore point on the DR cluster. {@link #accept} checks everything that can be
 * checked before anything is created (restore point, completeness, namespace, storage classes,
 * name conflicts, region-B snapshots), so a refused request leaves nothing behind; {@link #run}
 * then creates, per volume, a static VolumeSnapshotContent, a VolumeSnapshot bound to it and a PVC
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
    /** A request for a restore point the view lacks reads the catalog again, at most this often. */
    private static final Duration REFRESH_ON_MISS = Duration.ofSeconds(5);

    private final CatalogView view;
    private final CatalogLoader loader;
    private final DrCluster cluster;
    private final RegionSnapshots snapshots;
    private final RestoreConfig config;
    private final Clock clock;
    private final Map<String, RestoreRun> runs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RestoreRun> eldest) {
            return size() > KEPT_RUNS && eldest.getValue().finished();
        }
    };

    public RestoreService(CatalogView view, CatalogLoader loader, DrCluster cluster, RegionSnapshots snapshots,
                          RestoreConfig config, Clock clock) {
        this.view = view;
        this.loader = loader;
        this.cluster = cluster;
        this.snapshots = snapshots;
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
        java.time.Instant received = clock.instant();
        Violations violations = new Violations();
        request.validate(violations);
        if (!violations.isEmpty()) {
            List<String> problems = violations.list().stream().map(Object::toString).toList();
            throw new RestoreRefused(Reason.INVALID_REQUEST, "the restore request is invalid: " + String.join("; ", problems), problems);
        }
        Optional<RestoreRun> known = known(request);
        if (known.isPresent()) {
            return new Accepted(known.get(), false);
        }
        RestorePoint point;
        String target;
        Classes classes;
        try {
            point = resolve(request);
        } catch (RestoreRefused e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        // Leased before the checks, so that retention cannot delete its snapshots between the checks and the run.
        if (!view.lease(point.id())) {
            throw new RestoreRefused(Reason.RESTORE_POINT_NOT_FOUND, "restore point " + point.id() + " is being deleted by retention");
        }
        try {
            if (!point.complete() && !request.allowPartial()) {
                throw new RestoreRefused(Reason.RESTORE_POINT_INCOMPLETE, "restore point " + point.id() + " has "
                        + point.volumes().size() + " of its " + point.volumeCount() + " volumes; set allowPartial to restore those",
                        point.missingVolumes().stream().map(i -> "volume " + i + " is missing").toList());
            }
            target = request.targetNamespace() != null ? request.targetNamespace() : point.namespace();
            if (!request.createNamespace() && !cluster.namespaceExists(target)) {
                throw new RestoreRefused(Reason.NAMESPACE_NOT_FOUND, "namespace " + target
                        + " does not exist on the DR cluster; set createNamespace to create it");
            }
            classes = storageClasses(point, request.storageClassMap());
            checkConflicts(point, target, request.restoreId());
            checkSnapshots(point);
        } catch (RestoreRefused e) {
            view.release(point.id());
            throw e;
        } catch (RuntimeException e) {
            view.release(point.id());
            throw unavailable(e);
        }
        RestoreRun run = new RestoreRun(request, point, target, classes.byVolume(), classes.firstConsumer(), received);
        synchronized (this) {
            if (runs.containsKey(request.restoreId())) {
                view.release(point.id());
                return new Accepted(known(request).orElseThrow(), false);
            }
            runs.put(request.restoreId(), run);
        }
        LOG.infof("restore %s accepted: restore point %s (%s/%s, %d volumes) into namespace %s", request.restoreId(), point.id(),
                point.sourceCluster(), point.namespace(), point.volumes().size(), target);
        return new Accepted(run, true);
    }

    /** The known restore of the request's id; refused if it asked for something else. */
    private synchronized Optional<RestoreRun> known(RestoreRequested request) {
        RestoreRun known = runs.get(request.restoreId());
        if (known != null && !sameAsk(known.request(), request)) {
            throw new RestoreRefused(Reason.RESTORE_ID_CONFLICT, "restore " + request.restoreId()
                    + " exists and asks for something else; use a new restore id");
        }
        return Optional.ofNullable(known);
    }

    private static RestoreRefused unavailable(RuntimeException e) {
        return new RestoreRefused(Reason.DEPENDENCY_UNAVAILABLE, "the restore could not be checked: the catalog, Azure or the DR "
                + "cluster did not answer (" + e.getClass().getSimpleName() + ")");
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

    private RestorePoint resolve(RestoreRequested request) {
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

    /** The DR storage class of each volume, and which of those classes bind on first consumer. */
    private record Classes(Map<Integer, String> byVolume, Set<String> firstConsumer) {
    }

    /** Maps each volume's class and reads each class once: it must exist, and its binding mode tells when a PVC is ready. */
    private Classes storageClasses(RestorePoint point, Map<String, String> map) {
        Map<Integer, String> classes = new HashMap<>();
        List<String> missing = new ArrayList<>();
        Map<String, Optional<String>> modes = new HashMap<>();
        for (CatalogEntry entry : point.volumes()) {
            String source = entry.volume().pvc().storageClassName();
            String target = map == null ? source : map.getOrDefault(source, source);
            if (modes.computeIfAbsent(target, cluster::storageClassBindingMode).isEmpty()) {
                String why = target.equals(source) ? "storage class " + target + " (PVC " + entry.volume().pvc().name()
                        + ") does not exist on the DR cluster; map it in storageClassMap"
                        : "storage class " + target + " (mapped from " + source + ") does not exist on the DR cluster";
                if (!missing.contains(why)) {
                    missing.add(why);
                }
            }
            classes.put(entry.volume().volumeIndex(), target);
        }
        if (!missing.isEmpty()) {
            throw new RestoreRefused(Reason.STORAGE_CLASS_NOT_FOUND, String.join("; ", missing), missing);
        }
        Set<String> firstConsumer = new HashSet<>();
        modes.forEach((name, mode) -> {
            if (mode.filter("WaitForFirstConsumer"::equals).isPresent()) {
                firstConsumer.add(name);
            }
        });
        return new Classes(classes, firstConsumer);
    }

    private void checkConflicts(RestorePoint point, String target, String restoreId) {
        List<String> conflicts = new ArrayList<>();
        for (CatalogEntry entry : point.volumes()) {
            String name = entry.volume().pvc().name();
            cluster.claimLabels(target, name).ifPresent(labels -> {
                if (!restoreId.equals(labels.get(RESTORE_ID_LABEL))) {
                    conflicts.add("PVC " + target + "/" + name + " exists already and is not from this restore");
                }
            });
        }
        if (!conflicts.isEmpty()) {
            throw new RestoreRefused(Reason.PVC_CONFLICT, String.join("; ", conflicts) + "; existing PVCs are never overwritten: "
                    + "delete them or restore into another namespace", conflicts);
        }
    }

    private void checkSnapshots(RestorePoint point) {
        // One Resource Manager call per volume, all at once: the restore time should not grow with the volume count.
        List<String> missing = point.volumes().parallelStream().filter(e -> !snapshots.exists(e.snapshotId()))
                .map(e -> "the region-B snapshot of PVC " + e.volume().pvc().name() + " no longer exists: " + e.snapshotId()).toList();
        if (!missing.isEmpty()) {
            throw new RestoreRefused(Reason.SNAPSHOT_MISSING, String.join("; ", missing), missing);
        }
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
                    entry.volume().pvc().accessModes(), entry.volume().pvc().volumeMode(), run.storageClasses().get(entry.volume().volumeIndex()),
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
                String storageClass = run.storageClasses().get(entry.volume().volumeIndex());
                Optional<String> phase = cluster.claimPhase(run.targetNamespace(), name);
                if (phase.isPresent() && phase.get().equals("Lost")) {
                    throw new RestoreFailed("ClaimLost", "PVC " + run.targetNamespace() + "/" + name + " is Lost");
                }
                boolean firstConsumer = run.firstConsumerClasses().contains(storageClass);
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

    private static boolean sameAsk(RestoreRequested a, RestoreRequested b) {
        return Objects.equals(a.restorePointId(), b.restorePointId()) && Objects.equals(a.namespace(), b.namespace())
                && Objects.equals(a.sourceCluster(), b.sourceCluster()) && Objects.equals(a.targetNamespace(), b.targetNamespace())
                && Objects.equals(a.storageClassMap() == null ? Map.of() : a.storageClassMap(),
                b.storageClassMap() == null ? Map.of() : b.storageClassMap())
                && a.allowPartial() == b.allowPartial() && a.createNamespace() == b.createNamespace();
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
