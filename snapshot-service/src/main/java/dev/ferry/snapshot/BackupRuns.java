package dev.ferry.snapshot;

import dev.ferry.events.TransferStrategy;
import dev.ferry.snapshot.BackupRun.VolumeState;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import dev.ferry.snapshot.config.SnapshotConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backup runs this replica knows. Runs live in memory; a run not in memory (after a restart,
 * or started by another replica) is rebuilt from the labels of its VolumeSnapshots, which are the
 * durable record. A rebuilt run shows each volume's snapshot state, not the downstream progress
 * that the lost run had seen. A finished run leaves memory {@code ferry.runs.keep-finished} after its
 * last change (a run still waiting for downstream news counts as finished once that wait is longer
 * than {@code ferry.retention.unknown-export-grace}).
 */
@ApplicationScoped
public class BackupRuns {

    private final Map<String, BackupRun> runs = new ConcurrentHashMap<>();
    private final VolumeSnapshotter snapshotter;
    private final SnapshotConfig config;
    private final Clock clock;

    public BackupRuns(VolumeSnapshotter snapshotter, SnapshotConfig config, Clock clock) {
        this.snapshotter = snapshotter;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Registers a new run; returns the run already registered under its backupId if there is one,
     * except that a run only rebuilt from the cluster gives way to a real one (a resumed backup).
     */
    public BackupRun register(BackupRun run) {
        evictFinished();
        return runs.compute(run.backupId(), (id, existing) -> existing == null || existing.isRebuilt() ? run : existing);
    }

    /** Forgets a registered run that will not be executed after all (its start failed); another run under its id stays. */
    public void discard(BackupRun run) {
        runs.remove(run.backupId(), run);
    }

    /** The run as held in memory, if any. */
    public Optional<BackupRun> inMemory(String backupId) {
        return Optional.ofNullable(runs.get(backupId));
    }

    /** The run, from memory or rebuilt from its VolumeSnapshots. */
    public Optional<BackupRun> find(String backupId) {
        BackupRun run = runs.get(backupId);
        if (run != null) {
            return Optional.of(run);
        }
        List<SnapshotState> snapshots = snapshotter.list(null, Map.of(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE,
                FerryLabels.BACKUP_ID, backupId));
        if (snapshots.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(runs.computeIfAbsent(backupId, id -> rebuild(id, snapshots)));
    }

    /**
     * The VolumeSnapshots that runs held here have yet to create in a namespace: admitted runs waiting
     * in line, or not yet at that volume. They count against a disk's snapshot limit before they exist.
     */
    public List<BackupRun.PlannedSnapshot> plannedSnapshots(String namespace) {
        return runs.values().stream()
                .filter(run -> namespace.equals(run.namespace()))
                .flatMap(run -> run.plannedSnapshots().stream())
                .toList();
    }

    /** Every run of a namespace (or of all namespaces when null), newest first. */
    public List<BackupRun> list(String namespace) {
        evictFinished();
        Map<String, List<SnapshotState>> byBackup = new LinkedHashMap<>();
        for (SnapshotState snapshot : snapshotter.list(namespace, Map.of(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE))) {
            String backupId = snapshot.label(FerryLabels.BACKUP_ID);
            if (backupId != null) {
                byBackup.computeIfAbsent(backupId, id -> new ArrayList<>()).add(snapshot);
            }
        }
        byBackup.forEach((id, snapshots) -> runs.computeIfAbsent(id, key -> rebuild(key, snapshots)));
        return runs.values().stream()
                .filter(run -> namespace == null || namespace.equals(run.namespace()))
                .sorted(Comparator.comparing(BackupRun::requestedAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
    }

    /** Drops the runs finished longer than {@code ferry.runs.keep-finished} ago. */
    void evictFinished() {
        Instant now = clock.instant();
        runs.values().removeIf(run -> {
            Instant finished = switch (run.state()) {
                case COMPLETED, PARTIALLY_FAILED, FAILED -> run.lastChange();
                // Taken volumes no longer count as exporting after the grace: retention treats the run as done.
                case TRANSFERRING -> run.lastChange().plus(config.retention().unknownExportGrace());
                case SNAPSHOTTING -> null;
            };
            return finished != null && finished.plus(config.runs().keepFinished()).isBefore(now);
        });
    }

    private static BackupRun rebuild(String backupId, List<SnapshotState> snapshots) {
        SnapshotState first = snapshots.get(0);
        TransferStrategy strategy = null;
        try {
            String wire = first.annotation(FerryLabels.STRATEGY);
            strategy = wire == null ? null : TransferStrategy.fromWireName(wire);
        } catch (IllegalArgumentException e) {
            // An unknown strategy on someone's hand-edited object leaves the field empty, nothing more.
        }
        BackupRun run = BackupRun.rebuilt(backupId, first.annotation(FerryLabels.CORRELATION_ID), first.namespace(),
                first.annotation(FerryLabels.POLICY), strategy, requestedAt(first), first.annotation(FerryLabels.REQUESTED_BY));
        for (SnapshotState snapshot : snapshots) {
            VolumeState state = snapshot.error() != null ? VolumeState.FAILED
                    : snapshot.readyToUse() ? VolumeState.TAKEN : VolumeState.SNAPSHOTTING;
            String pvc = snapshot.annotation(FerryLabels.PVC) != null ? snapshot.annotation(FerryLabels.PVC) : snapshot.pvcName();
            run.addRebuiltVolume(pvc, snapshot.label(FerryLabels.PVC_UID), index(snapshot), snapshot.name(), state, snapshot.error(),
                    snapshot.created());
        }
        return run;
    }

    /** When the backup that made this VolumeSnapshot was requested: the order of a PVC's snapshot history. */
    public static Instant requestedAt(SnapshotState snapshot) {
        String text = snapshot.annotation(FerryLabels.REQUESTED_AT);
        if (text != null) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                // Fall back to the creation time below.
            }
        }
        return snapshot.created() != null ? snapshot.created() : Instant.EPOCH;
    }

    private static int index(SnapshotState snapshot) {
        try {
            return Integer.parseInt(snapshot.annotation(FerryLabels.VOLUME_INDEX));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
