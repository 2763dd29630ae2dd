package dev.ferry.restore;

import dev.ferry.events.RestoredVolume;
import dev.ferry.restore.catalog.CatalogEntry;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.support.threads.DaemonThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Carries out an admitted restore on the DR cluster: creates, per volume, a static
 * VolumeSnapshotContent, a VolumeSnapshot bound to it and a PVC restored from it, then waits for the
 * PVCs. Names derive from the restore id, so running the same restore again creates nothing twice.
 * The volumes' objects are created side by side, up to {@value #CREATORS} volumes at once.
 */
@ApplicationScoped
public class VolumeRestorer {

    private static final Logger LOG = Logger.getLogger(VolumeRestorer.class);
    /** Volumes whose objects one restore creates at once. */
    static final int CREATORS = 16;
    private static final ThreadFactory CREATOR_THREADS = DaemonThreads.named("restore-create-");

    /** Labels on everything a restore creates. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String RESTORE_ID_LABEL = "ferry.dev/restore-id";
    public static final String RESTORE_POINT_LABEL = "ferry.dev/restore-point-id";
    public static final String SNAPSHOT_ID_ANNOTATION = "ferry.dev/snapshot-id";
    public static final String SOURCE_ANNOTATION = "ferry.dev/source";

    private final DrCluster cluster;
    private final CatalogView view;
    private final Duration bindTimeout;
    private final Duration pollInterval;
    private final Clock clock;

    @Inject
    public VolumeRestorer(DrCluster cluster, CatalogView view, RestoreConfig config, Clock clock) {
        this(cluster, view, config.restore().bindTimeout(), config.restore().pollInterval(), clock);
    }

    /**
     * A restorer whose restores fail when their PVCs are not ready within {@code bindTimeout}; every PVC
     * is read again at least every {@code pollInterval}.
     */
    public VolumeRestorer(DrCluster cluster, CatalogView view, Duration bindTimeout, Duration pollInterval, Clock clock) {
        this.cluster = cluster;
        this.view = view;
        this.bindTimeout = bindTimeout;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    /**
     * Carries out an accepted restore and waits for its PVCs; returns it completed or failed, its
     * restore point no longer leased. Runs it once only: a restore that has started is returned as it is.
     */
    public RestoreRun restore(RestoreRun run) {
        synchronized (run) {
            if (run.state() != RestoreRun.State.ACCEPTED) {
                return run;
            }
            run.running();
        }
        try {
            long start = System.nanoTime();
            create(run.plan());
            long created = System.nanoTime();
            List<RestoredVolume> restored = awaitClaims(run.plan());
            run.completed(restored, clock.instant());
            LOG.infof("restore %s completed in %d ms (objects created in %d ms, then Bound after %d ms): %d PVCs in namespace %s",
                    run.restoreId(), run.duration().toMillis(), (created - start) / 1_000_000, (System.nanoTime() - created) / 1_000_000,
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

    /** {@code ferry-<restoreId>-<volumeIndex>}: the name of a restore's VolumeSnapshotContent and VolumeSnapshot. */
    public static String objectName(String restoreId, int volumeIndex) {
        return "ferry-" + restoreId + "-" + volumeIndex;
    }

    private void create(RestorePlan plan) {
        String namespace = plan.targetNamespace();
        Map<String, String> labels = Map.of(MANAGED_BY, "ferry", RESTORE_ID_LABEL, plan.restoreId(), RESTORE_POINT_LABEL, plan.point().id());
        if (!cluster.namespaceExists(namespace)) {
            cluster.createNamespace(namespace, labels);
        }
        List<CatalogEntry> volumes = plan.point().volumes();
        ExecutorService creators = Executors.newFixedThreadPool(Math.max(1, Math.min(CREATORS, volumes.size())), CREATOR_THREADS);
        try {
            List<Future<?>> created = new ArrayList<>();
            for (CatalogEntry entry : volumes) {
                created.add(creators.submit(() -> createVolume(plan, entry, namespace, labels)));
            }
            // Every volume's creation ends before the restore goes on or fails, so nothing is created after it.
            RuntimeException first = null;
            for (Future<?> volume : created) {
                try {
                    volume.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    first = first == null ? cause : first;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    creators.shutdownNow();
                    throw new RestoreFailed("Interrupted", "the service stopped while the restore created its objects");
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            creators.shutdown();
        }
    }

    /** The VolumeSnapshotContent, VolumeSnapshot and PVC of one volume. */
    private void createVolume(RestorePlan plan, CatalogEntry entry, String namespace, Map<String, String> labels) {
        String name = objectName(plan.restoreId(), entry.volume().volumeIndex());
        cluster.createSnapshotContent(name, entry.snapshotId().toString(), namespace, name, labels);
        cluster.createVolumeSnapshot(namespace, name, name, labels);
        Map<String, String> claimLabels = new HashMap<>();
        if (entry.volume().pvc().labels() != null) {
            claimLabels.putAll(entry.volume().pvc().labels());
        }
        claimLabels.putAll(labels);
        Map<String, String> annotations = Map.of(SNAPSHOT_ID_ANNOTATION, entry.snapshotId().toString(),
                SOURCE_ANNOTATION, entry.volume().sourceCluster() + "/" + entry.volume().namespace() + "/" + entry.volume().pvc().name());
        boolean created = cluster.createClaim(new RestoredClaim(namespace, entry.volume().pvc().name(), claimLabels, annotations,
                entry.volume().pvc().accessModes(), entry.volume().pvc().volumeMode(), plan.storageClasses().get(entry.volume().volumeIndex()),
                Math.max(entry.volume().pvc().requestedBytes(), entry.sizeBytes()), name));
        if (created) {
            return;
        }
        // A PVC of that name that appeared since the checks (another restore, a user) is never taken for ours.
        String owner = cluster.claimLabels(namespace, entry.volume().pvc().name()).map(l -> l.get(RESTORE_ID_LABEL)).orElse(null);
        if (!plan.restoreId().equals(owner)) {
            throw new RestoreFailed("PvcConflict", "PVC " + namespace + "/" + entry.volume().pvc().name()
                    + " was created by someone else while this restore ran; it was left alone");
        }
    }

    /**
     * Reads the PVCs until each is Bound, or exists with a class that binds on first consumer; fails on
     * Lost or the deadline. Between two reads it watches the first PVC still waiting, at most
     * {@code pollInterval}, so a bind is seen when it happens.
     */
    private List<RestoredVolume> awaitClaims(RestorePlan plan) {
        long deadline = System.nanoTime() + bindTimeout.toNanos();
        while (true) {
            List<RestoredVolume> restored = new ArrayList<>();
            List<String> waiting = new ArrayList<>();
            for (CatalogEntry entry : plan.point().volumes()) {
                String name = entry.volume().pvc().name();
                String storageClass = plan.storageClasses().get(entry.volume().volumeIndex());
                Optional<String> phase = cluster.claimPhase(plan.targetNamespace(), name);
                if (phase.isPresent() && phase.get().equals("Lost")) {
                    throw new RestoreFailed("ClaimLost", "PVC " + plan.targetNamespace() + "/" + name + " is Lost");
                }
                boolean firstConsumer = plan.firstConsumerClasses().contains(storageClass);
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
                throw new RestoreFailed("BindTimeout", "PVCs " + waiting + " in namespace " + plan.targetNamespace()
                        + " were not Bound within " + bindTimeout);
            }
            Duration watch = Duration.ofNanos(Math.min(deadline - System.nanoTime(), pollInterval.toNanos()));
            cluster.awaitClaimLeavesPending(plan.targetNamespace(), waiting.get(0), watch);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new RestoreFailed("Interrupted", "the service stopped while the restore waited for its PVCs");
            }
        }
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
