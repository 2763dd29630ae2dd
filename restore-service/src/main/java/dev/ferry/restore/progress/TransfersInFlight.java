package dev.ferry.restore.progress;

import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.StepFailed;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.VhdExported;
import dev.ferry.events.VolumeBackup;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.support.progress.TransferPace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The backups on their way to region B, volume by volume, as the events of the way tell it: taken in region A,
 * waiting for Azure, moving (bytes of the total, with the rate and the time left), importing, in region B, or failed.
 * Kept in memory from the events alone; a finished backup stays a while ({@code ferry.progress.keep-finished}), one
 * that heard nothing for a day is forgotten. Events may come in any order across topics: a volume never goes back
 * to an earlier state.
 */
@ApplicationScoped
public class TransfersInFlight {

    /** Where a volume is on its way, in the order it passes. */
    public enum VolumeState {
        /** Snapshot taken in region A; export has not reported yet. */
        TAKEN,
        /** Export waits for one of Azure's limits ({@code waitingFor}). */
        WAITING,
        /** Data moves to region B. */
        MOVING,
        /** The page blob is in region B; the import into a managed snapshot runs. */
        IMPORTING,
        /** A managed snapshot of the volume is in region B. */
        IN_REGION_B,
        /** A step gave up ({@code ferry.step.failed}). */
        FAILED
    }

    private final Map<String, Backup> backups = new LinkedHashMap<>();
    private final Duration keepFinished;
    private final Duration forgetSilentAfter;
    private final int maxBackups;
    private final Clock clock;

    @Inject
    public TransfersInFlight(RestoreConfig config, Clock clock) {
        this(config.progress().keepFinished(), config.progress().forgetSilentAfter(), config.progress().maxBackups(), clock);
    }

    TransfersInFlight(Duration keepFinished, Duration forgetSilentAfter, int maxBackups, Clock clock) {
        this.keepFinished = keepFinished;
        this.forgetSilentAfter = forgetSilentAfter;
        this.maxBackups = maxBackups;
        this.clock = clock;
    }

    public synchronized void taken(SnapshotTaken event) {
        volume(event.backupId(), event.volume()).advance(VolumeState.TAKEN, event.volume().takenAt());
    }

    public synchronized void progressed(TransferProgressed event) {
        Volume volume = backup(event.backupId(), event.namespace()).volume(event.pvcName());
        if (event.waitingFor() != null) {
            if (volume.advance(VolumeState.WAITING, event.reportedAt())) {
                volume.waitingFor = event.waitingFor();
                volume.bytesTotal = event.bytesTotal();
            }
        } else if (volume.advance(VolumeState.MOVING, event.reportedAt())) {
            volume.moved(event.bytesDone(), event.bytesTotal(), event.reportedAt());
        }
    }

    public synchronized void exported(VhdExported event) {
        Instant at = event.transfer() != null && event.transfer().completedAt() != null ? event.transfer().completedAt() : clock.instant();
        Volume volume = volume(event.backupId(), event.volume());
        if (volume.advance(VolumeState.IMPORTING, at) && event.transfer() != null) {
            volume.bytesMoved = event.transfer().bytesMoved();
        }
    }

    public synchronized void recreated(SnapshotRecreated event) {
        Volume volume = volume(event.backupId(), event.volume());
        if (volume.advance(VolumeState.IN_REGION_B, event.recreatedAt()) && event.transfer() != null) {
            volume.bytesMoved = event.transfer().bytesMoved();
        }
    }

    /** A failed step of a backup's volume; failures of whole backups and of restores are {@link RecentFailures}' only. */
    public synchronized void failed(StepFailed event) {
        if (event.backupId() == null || event.volume() == null) {
            return;
        }
        Volume volume = volume(event.backupId(), event.volume());
        if (volume.advance(VolumeState.FAILED, event.failedAt())) {
            volume.failure = event.step().wireName() + ": " + event.errorCode() + ": " + event.reason();
        }
    }

    /** The backups still on their way, then those finished within {@code keep-finished}; the newest taken first. */
    public synchronized List<BackupProgress> current() {
        Instant now = clock.instant();
        backups.values().removeIf(backup -> backup.gone(now));
        return backups.values().stream().map(Backup::view)
                .sorted(Comparator.comparing(BackupProgress::finished).thenComparing(BackupProgress::takenAt,
                        Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
    }

    private Volume volume(String backupId, VolumeBackup volume) {
        Backup backup = backup(backupId, volume.namespace());
        backup.sourceCluster = volume.sourceCluster();
        backup.policy = volume.policy();
        backup.strategy = volume.strategy() == null ? null : volume.strategy().wireName();
        backup.volumeCount = volume.volumeCount();
        if (volume.takenAt() != null && (backup.takenAt == null || volume.takenAt().isBefore(backup.takenAt))) {
            backup.takenAt = volume.takenAt();
        }
        Volume known = backup.volume(volume.pvc().name());
        known.volumeIndex = volume.volumeIndex();
        known.diskBytes = volume.pvc().capacityBytes();
        return known;
    }

    private Backup backup(String backupId, String namespace) {
        Backup backup = backups.computeIfAbsent(backupId, id -> new Backup(id, namespace));
        if (backups.size() > maxBackups) {
            Instant now = clock.instant();
            backups.values().stream().filter(b -> b != backup)
                    .min(Comparator.comparing((Backup b) -> !b.finished()).thenComparing(b -> b.lastEventAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                    .ifPresent(oldest -> backups.remove(oldest.backupId));
            backups.values().removeIf(b -> b.gone(now));
        }
        return backup;
    }

    /** One backup as the API shows it. */
    public record BackupProgress(String backupId, String sourceCluster, String namespace, String policy, String strategy,
                                 Integer volumeCount, Instant takenAt, boolean finished, long bytesDone, long bytesTotal,
                                 Integer percent, Long etaSeconds, Instant lastEventAt, List<VolumeProgress> volumes) {
    }

    /**
     * One volume as the API shows it.
     *
     * @param bytesDone      bytes moved so far (the bytes this transfer has to move: a diff's changed ranges, a full copy's written ones)
     * @param bytesPerSecond the rate since the volume's data began to move; absent before two reports
     * @param etaSeconds     the time left at that rate; absent when unknown
     * @param failure        the failed step, its code and reason
     */
    public record VolumeProgress(String pvcName, Integer volumeIndex, String state, String waitingFor, Long diskBytes,
                                 long bytesDone, Long bytesTotal, Integer percent, Long bytesPerSecond, Long etaSeconds,
                                 String failure, Instant updatedAt) {
    }

    private final class Backup {
        final String backupId;
        final String namespace;
        final Map<String, Volume> volumes = new TreeMap<>();
        String sourceCluster;
        String policy;
        String strategy;
        Integer volumeCount;
        Instant takenAt;
        Instant lastEventAt;

        Backup(String backupId, String namespace) {
            this.backupId = backupId;
            this.namespace = namespace;
        }

        Volume volume(String pvc) {
            return volumes.computeIfAbsent(pvc, name -> new Volume(this, name));
        }

        boolean finished() {
            return volumeCount != null && volumes.size() >= volumeCount
                    && volumes.values().stream().allMatch(v -> v.state == VolumeState.IN_REGION_B || v.state == VolumeState.FAILED);
        }

        boolean gone(Instant now) {
            if (lastEventAt == null) {
                return false;
            }
            return lastEventAt.plus(finished() ? keepFinished : forgetSilentAfter).isBefore(now);
        }

        BackupProgress view() {
            List<VolumeProgress> shown = new ArrayList<>(volumes.values().stream().map(Volume::view).toList());
            shown.sort(Comparator.comparing(VolumeProgress::volumeIndex, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(VolumeProgress::pvcName));
            long done = 0;
            long total = 0;
            Long eta = 0L;
            for (Volume v : volumes.values()) {
                Long volumeTotal = v.total();
                done += v.done();
                total += volumeTotal == null ? 0 : volumeTotal;
                Long left = v.eta();
                if (v.state.compareTo(VolumeState.IMPORTING) < 0) {
                    eta = left == null || eta == null ? null : Math.max(eta, left);
                }
            }
            boolean complete = finished();
            boolean totalsKnown = volumeCount != null && volumes.size() >= volumeCount
                    && volumes.values().stream().allMatch(v -> v.total() != null);
            return new BackupProgress(backupId, sourceCluster, namespace, policy, strategy, volumeCount, takenAt, complete, done, total,
                    totalsKnown ? TransferPace.percent(done, total) : null, complete ? null : eta, lastEventAt, shown);
        }
    }

    private static final class Volume {
        final Backup backup;
        final String pvcName;
        Integer volumeIndex;
        Long diskBytes;
        VolumeState state = VolumeState.TAKEN;
        String waitingFor;
        long bytesDone;
        Long bytesTotal;
        Long bytesMoved;
        final TransferPace pace = new TransferPace();
        String failure;
        Instant updatedAt;

        Volume(Backup backup, String pvcName) {
            this.backup = backup;
            this.pvcName = pvcName;
        }

        /** Moves to {@code next} unless the volume is past it already; a retried step that arrives after a failure wins. */
        boolean advance(VolumeState next, Instant at) {
            if (at != null && (backup.lastEventAt == null || at.isAfter(backup.lastEventAt))) {
                backup.lastEventAt = at;
            }
            boolean later = state == VolumeState.FAILED ? next == VolumeState.IN_REGION_B : next.compareTo(state) >= 0;
            if (!later) {
                return false;
            }
            state = next;
            if (next != VolumeState.WAITING) {
                waitingFor = null;
            }
            if (next != VolumeState.FAILED) {
                failure = null;
            }
            if (at != null) {
                updatedAt = at;
            }
            return true;
        }

        void moved(long done, long total, Instant at) {
            pace.report(done, at);
            bytesDone = Math.max(bytesDone, done);
            bytesTotal = total;
        }

        long done() {
            if (state == VolumeState.IMPORTING || state == VolumeState.IN_REGION_B) {
                return bytesMoved != null ? bytesMoved : bytesTotal != null ? bytesTotal : bytesDone;
            }
            return bytesDone;
        }

        Long total() {
            if (state == VolumeState.IMPORTING || state == VolumeState.IN_REGION_B) {
                return bytesMoved != null ? Long.valueOf(bytesMoved) : bytesTotal;
            }
            return bytesTotal;
        }

        Long eta() {
            if (state.compareTo(VolumeState.IMPORTING) >= 0) {
                return 0L;
            }
            return pace.etaSeconds(bytesDone, bytesTotal);
        }

        VolumeProgress view() {
            Long total = total();
            return new VolumeProgress(pvcName, volumeIndex, state.name(), waitingFor, diskBytes, done(), total, TransferPace.percent(done(), total),
                    state == VolumeState.MOVING ? pace.bytesPerSecond() : null, state == VolumeState.MOVING || state == VolumeState.WAITING ? eta() : null,
                    failure, updatedAt);
        }
    }
}
