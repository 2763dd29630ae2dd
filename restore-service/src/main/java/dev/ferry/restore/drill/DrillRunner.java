package dev.ferry.restore.drill;

import dev.ferry.events.DrillCheckOutcome;
import dev.ferry.events.DrillCompleted;
import dev.ferry.events.DrillOutcome;
import dev.ferry.events.DrillStep;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.RestoreRequested;
import dev.ferry.restore.RestoreAccess;
import dev.ferry.restore.RestoreRefused;
import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.VolumeRestorer;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.support.api.Refused;
import dev.ferry.support.messaging.EventPublisher;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs drills: restores an application's newest complete restore point into a scratch namespace of its own, waits for every
 * PVC, runs the application's check Job if it has one, measures the time to recover, then deletes everything the drill
 * created (the region-B snapshots stay: the restore's VolumeSnapshotContents retain them), keeps the result beside the
 * catalog and reports it as {@code ferry.drill.completed}. One drill per application at a time; a failure at any step still
 * cleans up.
 */
@ApplicationScoped
public class DrillRunner {

    private static final Logger LOG = Logger.getLogger(DrillRunner.class);
    /** The check Job's name in the scratch namespace. */
    public static final String CHECK_JOB = "ferry-drill-check";
    private static final Duration CLEANUP_POLL = Duration.ofMillis(500);

    private final RestoreService restores;
    private final DrillCluster cluster;
    private final DrillHistory history;
    private final EventPublisher publisher;
    private final DrillMetrics metrics;
    private final Clock clock;
    private final Duration cleanupTimeout;
    private final ManagedExecutor workers;
    /** The running drills, by id; and by application the id of the one running there. */
    private final Map<String, DrillRun> running = new ConcurrentHashMap<>();
    private final Map<String, String> runningByApplication = new ConcurrentHashMap<>();

    public DrillRunner(RestoreService restores, DrillCluster cluster, DrillHistory history, EventPublisher publisher,
                       DrillMetrics metrics, Clock clock, RestoreConfig config) {
        this.restores = restores;
        this.cluster = cluster;
        this.history = history;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
        this.cleanupTimeout = config.drills().cleanupTimeout();
        this.workers = ManagedExecutor.builder().maxAsync(config.drills().concurrency()).maxQueued(-1)
                .propagated(ThreadContext.NONE).cleared(ThreadContext.ALL_REMAINING).build();
    }

    /** The drills running now. */
    public List<DrillRun> running() {
        return List.copyOf(running.values());
    }

    public Optional<DrillRun> findRunning(String drillId) {
        return Optional.ofNullable(running.get(drillId));
    }

    /** Whether a drill of the application ({@code <cluster>/<namespace>}) runs in this service now. */
    public boolean runs(String application) {
        return runningByApplication.containsKey(application);
    }

    /**
     * Checks a drill as its restore would be checked (who asked, the newest complete restore point, storage classes, the
     * region-B snapshots) and that no drill of the application runs, then runs it in the background.
     *
     * @param access who asked may drill the application: checked once its restore point is found, before anything is created
     * @throws RestoreRefused when its restore could not run; nothing was created
     * @throws DrillRefused   when a drill of the application runs already; nothing was created
     */
    public DrillRun start(DrillRequest request, RestoreAccess access) {
        Instant startedAt = clock.instant();
        String scratch = scratchNamespace(request.drillId());
        RestorePoint point = restores.preview(restoreRequest(request, null, scratch, true, startedAt), access).point();
        String application = DrillRecord.application(point.sourceCluster(), point.namespace());
        if (runningByApplication.putIfAbsent(application, request.drillId()) != null) {
            throw running(application, runningByApplication.get(application));
        }
        try {
            Optional<DrillCluster.ScratchNamespace> left = cluster.scratchNamespaces().stream()
                    .filter(n -> application.equals(n.annotations().get(DrillLabels.APPLICATION_ANNOTATION))).findFirst();
            if (left.isPresent()) {
                throw running(application, left.get().labels().get(DrillLabels.DRILL_ID));
            }
        } catch (RuntimeException e) {
            runningByApplication.remove(application);
            throw e;
        }
        DrillRun run = new DrillRun(request, point, scratch, startedAt);
        running.put(request.drillId(), run);
        LOG.infof("drill %s of %s started (%s): restore point %s into namespace %s", request.drillId(), application,
                request.trigger().wireName(), point.id(), scratch);
        workers.execute(() -> {
            MDC.put("restoreId", request.drillId());
            try {
                execute(run);
            } finally {
                MDC.remove("restoreId");
            }
        });
        return run;
    }

    /** {@code ferry-<drill id>}: a drill's scratch namespace (drill ids start with {@code drill-}). */
    public static String scratchNamespace(String drillId) {
        return "ferry-" + drillId;
    }

    private static DrillRefused running(String application, String drillId) {
        return new DrillRefused(DrillRefused.Reason.DRILL_RUNNING, "drill " + drillId + " of " + application
                + " is running or its scratch namespace is still being removed; one drill per application at a time");
    }

    private static RestoreRequested restoreRequest(DrillRequest request, String pointId, String scratch, boolean createNamespace,
                                                   Instant at) {
        return new RestoreRequested(FerryEvent.SCHEMA_VERSION, request.drillId(), request.drillId(), pointId,
                pointId == null ? request.sourceCluster() : null, pointId == null ? request.namespace() : null, scratch, null,
                createNamespace, false, request.requestedBy(), at);
    }

    /** The steps, each in turn; a failed step skips to the cleanup, which always runs. */
    void execute(DrillRun run) {
        try {
            if (createNamespace(run) && restore(run) && run.request().check() != null) {
                check(run);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "drill %s stopped unexpectedly in step %s", run.drillId(), run.step().wireName());
            run.fail("DrillFailed", "the drill stopped unexpectedly in step " + run.step().wireName() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        run.enter(DrillStep.CLEANUP);
        boolean cleanedUp = cleanUp(run);
        DrillCompleted result = run.finish(cleanedUp, clock.instant());
        finished(new DrillRecord(result, run.request().requestedBy(), run.request().schedule()));
        running.remove(run.drillId());
        runningByApplication.remove(DrillRecord.application(run.point().sourceCluster(), run.point().namespace()), run.drillId());
    }

    private boolean createNamespace(DrillRun run) {
        run.enter(DrillStep.NAMESPACE);
        RestorePoint point = run.point();
        boolean created = cluster.createScratchNamespace(run.scratchNamespace(),
                Map.of(VolumeRestorer.MANAGED_BY, "ferry", DrillLabels.DRILL_ID, run.drillId(), DrillLabels.SOURCE_NAMESPACE, point.namespace()),
                Map.of(DrillLabels.APPLICATION_ANNOTATION, DrillRecord.application(point.sourceCluster(), point.namespace())));
        if (!created) {
            run.fail("NamespaceExists", "namespace " + run.scratchNamespace() + " exists already and is not this drill's; it was left alone");
        }
        return created;
    }

    private boolean restore(DrillRun run) {
        run.enter(DrillStep.RESTORE);
        RestoreRun restore;
        try {
            restore = restores.accept(restoreRequest(run.request(), run.point().id(), run.scratchNamespace(), false, run.startedAt()),
                    (point, target, createNamespace) -> {
                        // Checked when the drill started.
                    }).run();
        } catch (RestoreRefused e) {
            run.fail(e.code(), e.getMessage());
            return false;
        }
        restores.run(restore);
        // The drill reports its restore, as ferry.drill.completed.
        restores.reported(restore);
        if (restore.state() != RestoreRun.State.COMPLETED) {
            run.fail(restore.errorCode(), restore.error());
            return false;
        }
        run.restored(restore.volumes().size(), Duration.between(run.startedAt(), restore.completedAt()));
        return true;
    }

    private void check(DrillRun run) {
        run.enter(DrillStep.CHECK);
        DrillCheckSpec check = run.request().check();
        Instant start = clock.instant();
        cluster.createJob(new DrillCluster.CheckJob(run.scratchNamespace(), CHECK_JOB,
                Map.of(VolumeRestorer.MANAGED_BY, "ferry", DrillLabels.DRILL_ID, run.drillId()), check.image(), check.command(),
                run.point().volumes().stream().map(e -> e.volume().pvc().name()).toList(), check.timeout()));
        // Kubernetes ends the Job at its deadline; a little more, so that its status says so before the drill gives up.
        long deadline = System.nanoTime() + check.timeout().plusSeconds(30).toNanos();
        DrillCluster.JobState state = DrillCluster.JobState.RUNNING;
        while (state == DrillCluster.JobState.RUNNING && System.nanoTime() - deadline < 0) {
            cluster.awaitJobFinished(run.scratchNamespace(), CHECK_JOB, Duration.ofNanos(Math.min(deadline - System.nanoTime(),
                    Duration.ofSeconds(5).toNanos())));
            if (Thread.currentThread().isInterrupted()) {
                run.fail("Interrupted", "the service stopped while the drill's check ran");
                return;
            }
            state = cluster.jobState(run.scratchNamespace(), CHECK_JOB).orElse(DrillCluster.JobState.FAILED);
        }
        Duration took = Duration.between(start, clock.instant());
        switch (state) {
            case SUCCEEDED -> run.checked(CHECK_JOB, DrillCheckOutcome.SUCCEEDED, took);
            case FAILED -> {
                run.checked(CHECK_JOB, DrillCheckOutcome.FAILED, took);
                run.fail("CheckFailed", "the application's check (Job " + run.scratchNamespace() + "/" + CHECK_JOB + ") failed");
            }
            case RUNNING -> {
                run.checked(CHECK_JOB, DrillCheckOutcome.TIMED_OUT, took);
                run.fail("CheckTimedOut", "the application's check did not finish within " + check.timeout());
            }
        }
    }

    /** Deletes everything the drill created and waits until the DR cluster has removed it; false when something is left. */
    private boolean cleanUp(DrillRun run) {
        long deadline = System.nanoTime() + cleanupTimeout.toNanos();
        try {
            cluster.deleteDrillObjects(run.scratchNamespace(), run.drillId());
            Map<String, Integer> left = cluster.drillObjects(run.scratchNamespace(), run.drillId());
            while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
                Thread.sleep(CLEANUP_POLL.toMillis());
                left = cluster.drillObjects(run.scratchNamespace(), run.drillId());
            }
            if (!left.isEmpty()) {
                LOG.errorf("drill %s: after %s these objects are still on the DR cluster: %s; the sweep retries", run.drillId(),
                        cleanupTimeout, left);
            }
            return left.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            LOG.errorf(e, "drill %s could not remove what it created; the sweep retries", run.drillId());
            return false;
        }
    }

    /** Keeps the result, reports it and counts it; a drill whose result could not be kept or sent still ends. */
    private void finished(DrillRecord record) {
        DrillCompleted result = record.result();
        metrics.finished(record);
        try {
            history.add(record);
        } catch (RuntimeException e) {
            LOG.errorf("drill %s: its result could not be kept beside the catalog: %s", result.drillId(), e.getMessage());
        }
        try {
            publisher.publish(result);
        } catch (RuntimeException e) {
            LOG.errorf("drill %s: the drill.completed event could not be sent (Kafka unreachable?): %s", result.drillId(), e.getMessage());
        }
        if (result.failedStep() == null) {
            LOG.infof("drill %s of %s passed: %d PVCs ready in %d ms%s; cleaned up", result.drillId(), record.application(),
                    result.volumes(), result.rtoMillis(), result.rtoTargetSeconds() == null ? "" : " (RTO target " + result.rtoTargetSeconds() + " s)");
        } else {
            LOG.warnf("drill %s of %s failed in step %s (%s): %s%s", result.drillId(), record.application(), result.failedStep().wireName(),
                    result.errorCode(), result.error(), result.cleanedUp() ? "; cleaned up" : "");
        }
    }

    /**
     * Records a scheduled drill that could not start (no complete restore point, a region-B snapshot gone, a storage class
     * missing) as a failed drill in step {@code admit}, so that its failure shows and alerts like any other.
     */
    public void refused(DrillRequest request, String sourceCluster, RuntimeException refusal) {
        String code = refusal instanceof Refused r ? r.code() : "DrillFailed";
        Instant now = clock.instant();
        DrillCompleted result = new DrillCompleted(FerryEvent.SCHEMA_VERSION, request.drillId(), request.drillId(), request.trigger(),
                sourceCluster, request.namespace(), null, null, DrillOutcome.FAILED, DrillStep.ADMIT, code,
                refusal.getMessage(), null, null, null, null, 0, true, now, now);
        finished(new DrillRecord(result, request.requestedBy(), request.schedule()));
    }

    /** Interrupts the running drills (they fail, and clean up) and drops the queued ones. */
    @PreDestroy
    void stop() throws InterruptedException {
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }
}
