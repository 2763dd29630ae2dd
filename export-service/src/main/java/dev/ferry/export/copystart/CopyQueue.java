package dev.ferry.export.copystart;

import dev.ferry.events.RegionSnapshotTags;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.AzureRegion;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.export.copystart.RegionCopies.StartCopy;
import dev.ferry.support.azure.AzureCallFailed;
import dev.ferry.support.step.StepRefused;
import dev.ferry.support.threads.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The copies one replica drives, waiting or running, and the one loop that moves them on (ADR 007).
 * Each tick lists the target resource groups once: Azure's own view, which spans replicas and
 * survives restarts. It reports each running copy's progress, finishes or fails the ones Azure has
 * finished or failed, and starts waiting ones while Azure's limits allow: one copy per disk at a
 * time, in the order the snapshots were taken, and at most {@code regionLimit} copies in progress
 * per target region. A copy refused by Azure for one of these limits waits for a later tick instead
 * of failing. A waiting copy whose name the listing already holds (another replica or an earlier
 * delivery started it) is followed, not started again; so is nothing read per copy beyond the listing.
 *
 * <p>The disk of a copy is known by the PVC uid its region-B snapshot carries as a tag
 * ({@link RegionSnapshotTags#PVC_UID}): that costs no read of the source snapshot, and a PVC has one
 * disk. A copy that is not Ferry's does not hold Ferry's back here; Azure refuses a clash, and the
 * copy waits.
 */
public final class CopyQueue implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CopyQueue.class);

    /**
     * A finished copy.
     *
     * @param previousCopied whether region B held a finished copy of the source's previous snapshot: then Azure
     *                       copied only what changed since
     */
    public record Finished(RegionCopy copy, boolean previousCopied) {
    }

    /** Hears how a job gets on; each is told only when what it would hear changes. */
    public interface Progress {
        /** Azure's completion percent of the running copy. */
        void copying(double percent);

        /** Why the copy has not started yet: one of {@link TransferProgressed#WAITING_FOR}. */
        void waiting(String reason);
    }

    /** A copy waiting for its turn or running: what to start, and whom to tell. */
    public static final class Job {
        private final StartCopy request;
        private final ArmResourceId previousSnapshotId;
        private final String disk;
        private final Instant takenAt;
        private final Instant enqueuedAt;
        private final Progress progress;
        private final CompletableFuture<Finished> done = new CompletableFuture<>();
        private volatile Instant startedAt;
        private double reportedPercent = -1;
        private String reportedWait;

        /**
         * @param request            what to start; its tags name the backup and the PVC ({@link RegionSnapshotTags#of})
         * @param previousSnapshotId the source's previous snapshot of the same disk, or null
         * @param takenAt            when the source was taken: a disk's copies start in this order
         * @param progress           hears why the copy waits, and its completion percent once it runs
         */
        public Job(StartCopy request, ArmResourceId previousSnapshotId, Instant takenAt, Instant enqueuedAt, Progress progress) {
            this.request = request;
            this.previousSnapshotId = previousSnapshotId;
            this.disk = request.tags().get(RegionSnapshotTags.PVC_UID);
            this.takenAt = takenAt;
            this.enqueuedAt = enqueuedAt;
            this.progress = progress;
        }

        /** Completes with the finished snapshot, or fails with a {@link StepRefused} or an {@link AzureCallFailed}. */
        public CompletableFuture<Finished> done() {
            return done;
        }

        /** When Azure accepted the copy (or this replica found it under way); null while it waits. */
        public Instant startedAt() {
            return startedAt;
        }

        private String key() {
            return CopyQueue.key(request.group(), request.name());
        }

        private void waits(String reason) {
            if (!reason.equals(reportedWait)) {
                reportedWait = reason;
                progress.waiting(reason);
            }
        }
    }

    private final RegionCopies copies;
    private final int regionLimit;
    private final Duration maxWait;
    private final Duration pollInterval;
    private final Clock clock;
    private final List<Job> waiting = new ArrayList<>();
    private final List<Job> running = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("copy-start-queue-"));
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private volatile boolean started;

    public CopyQueue(RegionCopies copies, int regionLimit, Duration maxWait, Duration pollInterval, Clock clock) {
        this.copies = copies;
        this.regionLimit = regionLimit;
        this.maxWait = maxWait;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    /** Starts the loop: a tick every poll interval, and one soon after each new job. */
    public CopyQueue start() {
        started = true;
        ticker.scheduleWithFixedDelay(this::tickSafely, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Queues a copy to be started when Azure's limits allow. */
    public Job enqueue(Job job) {
        synchronized (this) {
            waiting.add(job);
        }
        wake();
        return job;
    }

    /** Copies waiting for their turn, and running. */
    public synchronized int waitingCount() {
        return waiting.size();
    }

    public synchronized int runningCount() {
        return running.size();
    }

    /** Stops the loop; unfinished jobs stay unfinished (their records are delivered again, and the copies go on in Azure). */
    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** A tick soon, on the loop's thread; a queue not started ticks only when its owner says (a test). */
    private void wake() {
        if (started && wakeScheduled.compareAndSet(false, true)) {
            ticker.execute(() -> {
                wakeScheduled.set(false);
                tickSafely();
            });
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.errorf(e, "the copy-start queue's tick failed; it runs again in %s", pollInterval);
        }
    }

    /** One round: list, follow, start. Runs on the queue's own thread (tests may call it directly). */
    void tick() {
        List<Job> runningNow;
        List<Job> waitingNow;
        synchronized (this) {
            runningNow = List.copyOf(running);
            waitingNow = waiting.stream().sorted(Comparator.comparing((Job j) -> j.takenAt)).toList();
        }
        if (runningNow.isEmpty() && waitingNow.isEmpty()) {
            return;
        }
        Map<String, RegionCopy> listed = new HashMap<>();
        Set<ResourceGroupId> groups = new LinkedHashSet<>();
        runningNow.forEach(j -> groups.add(j.request.group()));
        waitingNow.forEach(j -> groups.add(j.request.group()));
        for (ResourceGroupId group : groups) {
            try {
                copies.list(group).forEach(c -> listed.put(key(group, c.id().name()), c));
            } catch (AzureCallFailed e) {
                LOG.warnf("could not list the snapshots of %s (%s, HTTP %d); the copies are looked at again in %s",
                        group, e.code(), e.status(), pollInterval);
                return;
            }
        }
        Instant now = clock.instant();
        for (Job job : runningNow) {
            follow(job, listed.get(job.key()), listed.values(), now);
        }
        Map<String, Integer> inProgress = new HashMap<>();
        Set<String> busyDisks = new HashSet<>();
        for (RegionCopy copy : listed.values()) {
            if (copy.inProgress()) {
                inProgress.merge(AzureRegion.normalize(copy.region()), 1, Integer::sum);
                String disk = copy.tags() == null ? null : copy.tags().get(RegionSnapshotTags.PVC_UID);
                if (disk != null) {
                    busyDisks.add(disk);
                }
            }
        }
        synchronized (this) {
            running.stream().filter(j -> j.disk != null).forEach(j -> busyDisks.add(j.disk));
        }
        for (Job job : waitingNow) {
            RegionCopy existing = listed.get(job.key());
            if (existing != null) {
                takeOver(job, existing, listed.values(), now);
                continue;
            }
            if (now.isAfter(job.enqueuedAt.plus(maxWait))) {
                fail(job, AzureCallFailed.worthAnotherAttempt("CopyStartQueueTimeout", 0, "The copy waited longer than "
                        + maxWait + " for its turn under Azure's limits.", null));
                continue;
            }
            // Claimed even if it cannot start now: a disk's later snapshots wait behind its earlier ones.
            if (job.disk != null && !busyDisks.add(job.disk)) {
                job.waits(TransferProgressed.WAITING_FOR_EARLIER_COPY);
                continue;
            }
            String region = AzureRegion.normalize(job.request.region());
            if (inProgress.getOrDefault(region, 0) >= regionLimit) {
                job.waits(TransferProgressed.WAITING_FOR_REGION_LIMIT);
                continue;
            }
            try {
                copies.start(job.request);
            } catch (AzureCallFailed e) {
                if (CopyStartRefusals.sourceGone(e)) {
                    fail(job, new StepRefused("CopySourceNotFound", "The source snapshot " + job.request.source().name()
                            + " no longer exists; Azure cannot copy it."));
                } else if (e.retryable() || CopyStartRefusals.meansWait(e)) {
                    LOG.infof("Azure did not start the copy to %s now (%s, HTTP %d); it waits for a later tick", job.request.name(),
                            e.code(), e.status());
                    if (CopyStartRefusals.limitReached(e)) {
                        inProgress.put(region, regionLimit);
                        job.waits(TransferProgressed.WAITING_FOR_REGION_LIMIT);
                    } else {
                        job.waits(TransferProgressed.WAITING_FOR_THROTTLING);
                    }
                } else {
                    fail(job, e);
                }
                continue;
            }
            inProgress.merge(region, 1, Integer::sum);
            job.startedAt = clock.instant();
            synchronized (this) {
                waiting.remove(job);
                running.add(job);
            }
            LOG.infof("started Azure's copy of %s to %s", job.request.source().name(), job.request.name());
        }
    }

    /**
     * A waiting copy whose name Azure lists already: started by another replica or an earlier delivery, so it
     * is followed from now on; a snapshot of that name that belongs to another backup fails the copy.
     */
    private void takeOver(Job job, RegionCopy existing, Collection<RegionCopy> listed, Instant now) {
        Map<String, String> mine = job.request.tags();
        if (existing.tags() == null || !RegionSnapshotTags.belongsTo(existing.tags(), mine.get(RegionSnapshotTags.BACKUP_ID), mine.get(RegionSnapshotTags.PVC_UID))) {
            fail(job, new StepRefused("SnapshotNameTaken", "Snapshot " + existing.id() + " exists but belongs to backup "
                    + (existing.tags() == null ? null : existing.tags().get(RegionSnapshotTags.BACKUP_ID)) + ", not to this one."));
            return;
        }
        LOG.infof("Azure's copy to %s is under way (%.1f%%); following it", job.request.name(), existing.completionPercent());
        job.startedAt = now;
        synchronized (this) {
            waiting.remove(job);
            running.add(job);
        }
        follow(job, existing, listed, now);
    }

    private void follow(Job job, RegionCopy copy, Collection<RegionCopy> listed, Instant now) {
        if (copy == null) {
            fail(job, AzureCallFailed.worthAnotherAttempt("CopyDisappeared", 404, "The region-B snapshot " + job.request.name()
                    + " is gone while its copy was followed.", null));
        } else if (copy.failed()) {
            String code = copy.errorCode() != null ? copy.errorCode() : "CopyFailed";
            try {
                copies.delete(copy.id());
            } catch (AzureCallFailed e) {
                LOG.warnf("could not delete the failed copy %s (%s); the sweeper finds it", copy.id(), e.code());
            }
            fail(job, new StepRefused(code, "Azure's copy of " + job.request.source().name() + " failed: "
                    + (copy.errorMessage() != null ? copy.errorMessage() : code) + " The failed region-B snapshot was deleted."));
        } else if (copy.complete()) {
            synchronized (this) {
                running.remove(job);
            }
            job.progress.copying(100);
            boolean previousCopied = job.previousSnapshotId != null && listed.stream().anyMatch(c -> c.isCopyStart() && c.complete()
                    && c.copies(job.previousSnapshotId));
            job.done.complete(new Finished(copy, previousCopied));
        } else {
            if (copy.completionPercent() != job.reportedPercent) {
                job.reportedPercent = copy.completionPercent();
                job.progress.copying(copy.completionPercent());
            }
            if (now.isAfter(job.enqueuedAt.plus(maxWait))) {
                fail(job, AzureCallFailed.worthAnotherAttempt("CopyStartTimeout", 0, "The copy to " + job.request.name()
                        + " did not finish within " + maxWait + "; it goes on in Azure and a redelivery follows it again.", null));
            }
        }
    }

    private void fail(Job job, RuntimeException reason) {
        synchronized (this) {
            waiting.remove(job);
            running.remove(job);
        }
        job.done.completeExceptionally(reason);
    }

    private static String key(ResourceGroupId group, String name) {
        return group.canonical() + "/" + name.toLowerCase(Locale.ROOT);
    }
}
