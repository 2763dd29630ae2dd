package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import dev.ferry.events.validation.Violations;
import dev.ferry.restore.RestoreRefused.Reason;
import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.restore.catalog.CatalogLoader;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.support.threads.DaemonThreads;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * Decides whether a restore request can be carried out, before anything is created: the request is
 * valid, its restore point exists and is complete, the target namespace exists, every storage class
 * exists, no foreign PVC has a name the restore needs and every region-B snapshot is still there. A
 * request that passes becomes a {@link RestorePlan} holding a lease on its restore point; one that
 * does not is a {@link RestoreRefused} and leaves nothing behind.
 */
@ApplicationScoped
public class RestoreAdmission {

    private static final ThreadFactory CHECK_THREADS = DaemonThreads.named("restore-check-");

    private final CatalogView view;
    private final RestorePointFinder points;
    private final DrCluster cluster;
    private final RegionSnapshots snapshots;

    public RestoreAdmission(CatalogView view, CatalogLoader loader, DrCluster cluster, RegionSnapshots snapshots) {
        this.view = view;
        this.points = new RestorePointFinder(view, loader);
        this.cluster = cluster;
        this.snapshots = snapshots;
    }

    /** Refuses a request whose fields are wrong in themselves (names, both or neither of restore point and namespace). */
    public static void checkValid(RestoreRequested request) {
        Violations violations = new Violations();
        request.validate(violations);
        if (!violations.isEmpty()) {
            List<String> problems = violations.list().stream().map(Object::toString).toList();
            throw new RestoreRefused(Reason.INVALID_REQUEST, "the restore request is invalid: " + String.join("; ", problems), problems);
        }
    }

    /** The known restore of the request's id, unless it asked for something else: a restore id names one restore. */
    public static RestoreRun checkSameAsk(RestoreRun known, RestoreRequested request) {
        RestoreRequested a = known.request();
        boolean same = Objects.equals(a.restorePointId(), request.restorePointId()) && Objects.equals(a.namespace(), request.namespace())
                && Objects.equals(a.sourceCluster(), request.sourceCluster())
                && Objects.equals(a.targetNamespace(), request.targetNamespace())
                && Objects.equals(orEmpty(a.storageClassMap()), orEmpty(request.storageClassMap()))
                && a.allowPartial() == request.allowPartial() && a.createNamespace() == request.createNamespace();
        if (!same) {
            throw new RestoreRefused(Reason.RESTORE_ID_CONFLICT, "restore " + request.restoreId()
                    + " exists and asks for something else; use a new restore id");
        }
        return known;
    }

    /**
     * Checks a valid request against the catalog, who asked ({@code access}), Azure and the DR cluster, and leases its
     * restore point.
     *
     * @throws RestoreRefused when the request cannot be carried out; nothing is leased then
     */
    public RestorePlan admit(RestoreRequested request, RestoreAccess access, Instant receivedAt) {
        RestorePoint point;
        try {
            point = points.find(request);
        } catch (RestoreRefused e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
        access.check(point, targetOf(request, point), request.createNamespace());
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
            String target = targetOf(request, point);
            if (!request.createNamespace() && !cluster.namespaceExists(target)) {
                throw new RestoreRefused(Reason.NAMESPACE_NOT_FOUND, "namespace " + target
                        + " does not exist on the DR cluster; set createNamespace to create it");
            }
            Classes classes = storageClasses(point, request.storageClassMap());
            checkConflicts(point, target, request.restoreId());
            checkSnapshots(point);
            return new RestorePlan(request, point, target, classes.byVolume(), classes.firstConsumer(), receivedAt);
        } catch (RestoreRefused e) {
            view.release(point.id());
            throw e;
        } catch (RuntimeException e) {
            view.release(point.id());
            throw unavailable(e);
        }
    }

    /** Where the request restores to: its target namespace, or the restore point's own. */
    private static String targetOf(RestoreRequested request, RestorePoint point) {
        return request.targetNamespace() != null ? request.targetNamespace() : point.namespace();
    }

    /** Gives up a plan that will not run: its restore point is no longer held for it. */
    public void withdraw(RestorePlan plan) {
        view.release(plan.point().id());
    }

    private static RestoreRefused unavailable(RuntimeException e) {
        return new RestoreRefused(Reason.DEPENDENCY_UNAVAILABLE, "the restore could not be checked: the catalog, Azure or the DR "
                + "cluster did not answer (" + e.getClass().getSimpleName() + ")");
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
        Map<String, Map<String, String>> existing = cluster.claimLabelsIn(target);
        for (CatalogEntry entry : point.volumes()) {
            String name = entry.volume().pvc().name();
            Map<String, String> labels = existing.get(name);
            if (labels != null && !restoreId.equals(labels.get(VolumeRestorer.RESTORE_ID_LABEL))) {
                conflicts.add("PVC " + target + "/" + name + " exists already and is not from this restore");
            }
        }
        if (!conflicts.isEmpty()) {
            throw new RestoreRefused(Reason.PVC_CONFLICT, String.join("; ", conflicts) + "; existing PVCs are never overwritten: "
                    + "delete them or restore into another namespace", conflicts);
        }
    }

    private void checkSnapshots(RestorePoint point) {
        // One Resource Manager call per volume, up to 16 at once on threads of their own (the common pool has one
        // thread per spare core, and these calls wait on the network): the restore time should not grow with the
        // volume count.
        List<CatalogEntry> volumes = point.volumes();
        ExecutorService lookups = Executors.newFixedThreadPool(Math.max(1, Math.min(16, volumes.size())), CHECK_THREADS);
        List<String> missing;
        try {
            List<CompletableFuture<Boolean>> exists = volumes.stream()
                    .map(e -> CompletableFuture.supplyAsync(() -> snapshots.exists(e.snapshotId()), lookups)).toList();
            missing = new ArrayList<>();
            for (int i = 0; i < volumes.size(); i++) {
                if (!exists.get(i).join()) {
                    CatalogEntry e = volumes.get(i);
                    missing.add("the region-B snapshot of PVC " + e.volume().pvc().name() + " no longer exists: " + e.snapshotId());
                }
            }
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } finally {
            lookups.shutdown();
        }
        if (!missing.isEmpty()) {
            throw new RestoreRefused(Reason.SNAPSHOT_MISSING, String.join("; ", missing), missing);
        }
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
