package dev.ferry.snapshot;

import dev.ferry.events.CopySpeed;
import dev.ferry.events.DrTarget;
import dev.ferry.events.RecoveryObjectives;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VolumeBackup;
import dev.ferry.support.progress.TransferPace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One backup run and each volume's progress, from the VolumeSnapshot to the region-B snapshot. Held
 * in memory; the VolumeSnapshots' labels are the durable record it can be rebuilt from.
 */
public final class BackupRun {

    /** Where the run as a whole is. */
    public enum State {
        /** VolumeSnapshots are being taken. */
        SNAPSHOTTING,
        /** Every volume's SnapshotTaken is out; some are on their way to region B. */
        TRANSFERRING,
        /** Every volume has its region-B snapshot. */
        COMPLETED,
        /** Some volumes failed; the others reached region B. */
        PARTIALLY_FAILED,
        FAILED
    }

    /** Where one volume is. */
    public enum VolumeState {
        PENDING,
        /** The VolumeSnapshot exists; waiting for readyToUse. */
        SNAPSHOTTING,
        /** SnapshotTaken is on the broker. */
        TAKEN,
        /** The transfer waits its turn under Azure's limits ({@code waitingFor} says which). */
        WAITING,
        /** Data is moving to region B ({@code bytesDone} of {@code bytesTotal}). */
        TRANSFERRING,
        /** The export-service wrote the VHD in region B. */
        EXPORTED,
        /** The region-B snapshot exists. */
        RECREATED,
        FAILED
    }

    /** A PVC left out of the run, and why. */
    public record Skipped(String pvc, String reason) {
    }

    /** A VolumeSnapshot the run is still to create: of which PVC, under which derived name. */
    public record PlannedSnapshot(String namespace, String pvc, String name) {
    }

    /** A volume as the API shows it. */
    public record VolumeView(String pvc, String pvcUid, int volumeIndex, String volumeSnapshot, VolumeState state,
                             String snapshotId, String previousSnapshotId, Long sizeBytes, Boolean incremental,
                             Instant takenAt, String waitingFor, Long bytesDone, Long bytesTotal, Integer percent, Long bytesPerSecond,
                             Long etaSeconds, String vhdUrl, String targetSnapshotId, String failedStep, String errorCode, String error,
                             Instant updatedAt) {
    }

    /** The run as the API shows it. */
    public record View(String backupId, String correlationId, String namespace, String policy, String strategy,
                       String copySpeed, State state, Instant requestedAt, String requestedBy, Instant snapshotsDoneAt, List<VolumeView> volumes,
                       List<Skipped> skipped, boolean rebuiltFromCluster) {
    }

    private static final class Volume {
        final String pvc;
        final String pvcUid;
        final int index;
        final Claim claim;
        String snapshotName;
        VolumeState state = VolumeState.PENDING;
        VolumeBackup taken;
        String previousVolumeSnapshot;
        String waitingFor;
        Long bytesDone;
        Long bytesTotal;
        final TransferPace pace = new TransferPace();
        String vhdUrl;
        String targetSnapshotId;
        String failedStep;
        String errorCode;
        String error;
        Instant updatedAt;

        Volume(String pvc, String pvcUid, int index, Claim claim) {
            this.pvc = pvc;
            this.pvcUid = pvcUid;
            this.index = index;
            this.claim = claim;
        }
    }

    private final String backupId;
    private final String correlationId;
    private final String namespace;
    private final String policy;
    private final String policyRef;
    private final TransferStrategy strategy;
    private final CopySpeed copySpeed;
    private final DrTarget target;
    private final Instant requestedAt;
    private final List<String> pvcNames;
    private final Map<String, String> labelSelector;
    private final boolean rebuilt;
    private final String requestedBy;
    private final Map<String, Volume> volumes = new LinkedHashMap<>();
    private final List<Skipped> skipped;
    private RecoveryObjectives objectives;
    private Instant snapshotsDoneAt;

    private BackupRun(String backupId, String correlationId, String namespace, String policy, String policyRef,
                      TransferStrategy strategy, CopySpeed copySpeed, DrTarget target, Instant requestedAt, String requestedBy,
                      List<String> pvcNames, Map<String, String> labelSelector, List<Skipped> skipped, boolean rebuilt) {
        this.requestedBy = requestedBy;
        this.backupId = backupId;
        this.correlationId = correlationId;
        this.namespace = namespace;
        this.policy = policy;
        this.policyRef = policyRef;
        this.strategy = strategy;
        this.copySpeed = copySpeed;
        this.target = target;
        this.requestedAt = requestedAt;
        this.pvcNames = pvcNames;
        this.labelSelector = labelSelector;
        this.skipped = List.copyOf(skipped);
        this.rebuilt = rebuilt;
    }

    /**
     * A new run over the eligible claims, in the order given (that order is their volumeIndex).
     *
     * @param policyRef {@code <namespace>/<name>} of the policy whose retention manages its snapshots
     * @param copySpeed Azure's copy speed for copy-start, or null for export-service's configured one
     * @param requestedBy who asked: the authenticated REST caller, {@code schedule}, or what a Kafka request says
     */
    public static BackupRun plan(String backupId, String correlationId, String namespace, String policy, String policyRef,
                                 TransferStrategy strategy, CopySpeed copySpeed, DrTarget target, Instant requestedAt, String requestedBy,
                                 List<String> pvcNames, Map<String, String> labelSelector, List<Claim> claims, List<Skipped> skipped) {
        return plan(backupId, correlationId, namespace, policy, policyRef, strategy, copySpeed, target, requestedAt, requestedBy, pvcNames,
                labelSelector, claims, skipped, null);
    }

    /**
     * As the other {@code plan}, for a run of a policy that states recovery objectives.
     *
     * @param objectives the policy's objectives, carried with each volume to region B; null for none
     */
    public static BackupRun plan(String backupId, String correlationId, String namespace, String policy, String policyRef,
                                 TransferStrategy strategy, CopySpeed copySpeed, DrTarget target, Instant requestedAt, String requestedBy,
                                 List<String> pvcNames, Map<String, String> labelSelector, List<Claim> claims, List<Skipped> skipped,
                                 RecoveryObjectives objectives) {
        BackupRun run = new BackupRun(backupId, correlationId, namespace, policy, policyRef, strategy, copySpeed, target, requestedAt,
                requestedBy, pvcNames == null ? null : List.copyOf(pvcNames), labelSelector == null ? null : Map.copyOf(labelSelector), skipped, false);
        run.objectives = objectives;
        for (int i = 0; i < claims.size(); i++) {
            Claim claim = claims.get(i);
            run.volumes.put(claim.uid(), new Volume(claim.name(), claim.uid(), i, claim));
        }
        return run;
    }

    /** A run known only from its VolumeSnapshots, after a restart. */
    public static BackupRun rebuilt(String backupId, String correlationId, String namespace, String policy, TransferStrategy strategy,
                                    Instant requestedAt, String requestedBy) {
        return new BackupRun(backupId, correlationId, namespace, policy, null, strategy, null, null, requestedAt, requestedBy, null, null,
                List.of(), true);
    }

    /** Adds a volume found in the cluster to a rebuilt run. */
    public synchronized void addRebuiltVolume(String pvc, String pvcUid, int index, String snapshotName, VolumeState state, String error,
                                              Instant at) {
        Volume volume = new Volume(pvc, pvcUid, index, null);
        volume.snapshotName = snapshotName;
        volume.state = state;
        volume.error = error;
        volume.updatedAt = at;
        volumes.put(pvcUid, volume);
    }

    public String backupId() {
        return backupId;
    }

    public String correlationId() {
        return correlationId;
    }

    /** Who asked for the backup, when known. */
    public String requestedBy() {
        return requestedBy;
    }

    public String namespace() {
        return namespace;
    }

    public String policy() {
        return policy;
    }

    /** {@code <namespace>/<name>} of the policy whose retention manages the run's snapshots; null for a rebuilt run. */
    public String policyRef() {
        return policyRef;
    }

    public TransferStrategy strategy() {
        return strategy;
    }

    /** Azure's copy speed for copy-start; null means export-service's configured one. */
    public CopySpeed copySpeed() {
        return copySpeed;
    }

    public DrTarget target() {
        return target;
    }

    /** The recovery objectives of the policy whose run this is; null for one-off backups, rebuilt runs, or none stated. */
    public RecoveryObjectives objectives() {
        return objectives;
    }

    public Instant requestedAt() {
        return requestedAt;
    }

    public boolean isRebuilt() {
        return rebuilt;
    }

    /** The claims to snapshot, in volumeIndex order (empty for a rebuilt run). */
    public synchronized List<Claim> claims() {
        List<Claim> claims = new ArrayList<>();
        volumes.values().stream().filter(v -> v.claim != null).forEach(v -> claims.add(v.claim));
        return claims;
    }

    /** The VolumeSnapshots the run has not created yet (its volumes still PENDING); none for a rebuilt run. */
    public synchronized List<PlannedSnapshot> plannedSnapshots() {
        if (rebuilt) {
            return List.of();
        }
        return volumes.values().stream()
                .filter(v -> v.state == VolumeState.PENDING)
                .map(v -> new PlannedSnapshot(namespace, v.pvc, SnapshotNames.volumeSnapshot(backupId, v.pvcUid)))
                .toList();
    }

    public synchronized int volumeCount() {
        return volumes.size();
    }

    public synchronized int volumeIndex(String pvcUid) {
        return volume(pvcUid).index;
    }

    /** Whether another request for this backupId asks for the same thing. */
    public boolean sameRequest(String otherNamespace, List<String> otherPvcNames, Map<String, String> otherSelector, String otherPolicy) {
        if (!namespace.equals(otherNamespace)) {
            return false;
        }
        if (rebuilt) {
            return true;
        }
        return Objects.equals(pvcNames, otherPvcNames == null ? null : List.copyOf(otherPvcNames))
                && Objects.equals(labelSelector, otherSelector == null ? null : Map.copyOf(otherSelector))
                && policy.equals(otherPolicy);
    }

    public synchronized void snapshotting(String pvcUid, String snapshotName, Instant at) {
        Volume volume = volume(pvcUid);
        volume.snapshotName = snapshotName;
        advance(volume, VolumeState.SNAPSHOTTING, at);
    }

    /**
     * Records a volume's SnapshotTaken.
     *
     * @param previousVolumeSnapshot the VolumeSnapshot behind {@code previousSnapshotId}, if any: the base retention must keep
     */
    public synchronized void taken(String pvcUid, VolumeBackup taken, String previousVolumeSnapshot, Instant at) {
        Volume volume = volume(pvcUid);
        volume.taken = taken;
        volume.previousVolumeSnapshot = previousVolumeSnapshot;
        advance(volume, VolumeState.TAKEN, at);
    }

    /**
     * Records a volume's {@code transfer.progressed}: waiting its turn under Azure's limits, or moving data.
     * A report that arrives after a later step (the topics are not ordered with each other) changes nothing.
     *
     * @param pvc        the PVC's name (the event names it, not its uid; a run's PVCs share one namespace)
     * @param waitingFor why the transfer waits, or null once data moves
     * @param reportedAt when export-service measured it: the rate is reckoned on its clock, not on the arrivals'
     */
    public synchronized void progressed(String pvc, long bytesDone, long bytesTotal, String waitingFor, Instant reportedAt, Instant at) {
        Volume volume = volumes.values().stream().filter(v -> v.pvc.equals(pvc)).findFirst().orElse(null);
        if (volume == null) {
            return;
        }
        VolumeState next = waitingFor != null ? VolumeState.WAITING : VolumeState.TRANSFERRING;
        if (volume.state == next || volume.state == VolumeState.FAILED || next.ordinal() > volume.state.ordinal()) {
            volume.waitingFor = waitingFor;
            volume.bytesDone = bytesDone;
            volume.bytesTotal = bytesTotal;
            if (next == VolumeState.TRANSFERRING) {
                volume.pace.report(bytesDone, reportedAt);
            }
            if (volume.state != next) {
                advance(volume, next, at);
            }
            volume.updatedAt = at;
        }
    }

    public synchronized void exported(String pvcUid, String vhdUrl, Instant at) {
        Volume volume = volumes.get(pvcUid);
        if (volume != null) {
            volume.vhdUrl = vhdUrl;
            advance(volume, VolumeState.EXPORTED, at);
        }
    }

    public synchronized void recreated(String pvcUid, String targetSnapshotId, Instant at) {
        Volume volume = volumes.get(pvcUid);
        if (volume != null) {
            volume.targetSnapshotId = targetSnapshotId;
            advance(volume, VolumeState.RECREATED, at);
        }
    }

    /** Records a failed step of a volume; a later step's success (a redelivery that worked) still moves it on. */
    public synchronized void failed(String pvcUid, String step, String code, String reason, Instant at) {
        Volume volume = volumes.get(pvcUid);
        if (volume != null && volume.state != VolumeState.RECREATED) {
            volume.state = VolumeState.FAILED;
            volume.failedStep = step;
            volume.errorCode = code;
            volume.error = reason;
            volume.updatedAt = at;
        }
    }

    /** Where a volume is, if the run has it. */
    public synchronized Optional<VolumeState> volumeState(String pvcUid) {
        return Optional.ofNullable(volumes.get(pvcUid)).map(v -> v.state);
    }

    /** The VolumeSnapshot that is the base of the volume's incremental export, if this run knows it. */
    public synchronized Optional<String> previousVolumeSnapshot(String pvcUid) {
        return Optional.ofNullable(volumes.get(pvcUid)).map(v -> v.previousVolumeSnapshot);
    }

    public synchronized boolean hasVolume(String pvcUid) {
        return volumes.containsKey(pvcUid);
    }

    public synchronized boolean isFailed(String pvcUid) {
        return volume(pvcUid).state == VolumeState.FAILED;
    }

    public synchronized void snapshotsDone(Instant at) {
        snapshotsDoneAt = at;
    }

    public synchronized State state() {
        boolean anySnapshotting = false;
        boolean anyTransferring = false;
        int failed = 0;
        for (Volume volume : volumes.values()) {
            switch (volume.state) {
                case PENDING, SNAPSHOTTING -> anySnapshotting = true;
                case TAKEN, WAITING, TRANSFERRING, EXPORTED -> anyTransferring = true;
                case FAILED -> failed++;
                case RECREATED -> {
                }
            }
        }
        if (anySnapshotting || (snapshotsDoneAt == null && !rebuilt)) {
            return State.SNAPSHOTTING;
        }
        if (anyTransferring) {
            return State.TRANSFERRING;
        }
        if (failed == 0) {
            return State.COMPLETED;
        }
        return failed == volumes.size() ? State.FAILED : State.PARTIALLY_FAILED;
    }

    /** When anything about the run last changed: a volume's progress, the end of its snapshots, or its request. */
    public synchronized Instant lastChange() {
        Instant last = requestedAt != null ? requestedAt : Instant.EPOCH;
        if (snapshotsDoneAt != null && snapshotsDoneAt.isAfter(last)) {
            last = snapshotsDoneAt;
        }
        for (Volume volume : volumes.values()) {
            if (volume.updatedAt != null && volume.updatedAt.isAfter(last)) {
                last = volume.updatedAt;
            }
        }
        return last;
    }

    public synchronized View view() {
        List<VolumeView> views = new ArrayList<>();
        for (Volume v : volumes.values()) {
            var source = v.taken == null ? null : v.taken.source();
            views.add(new VolumeView(v.pvc, v.pvcUid, v.index, v.snapshotName, v.state,
                    source == null ? null : source.snapshotId().toString(),
                    source == null || source.previousSnapshotId() == null ? null : source.previousSnapshotId().toString(),
                    source == null ? null : source.sizeBytes(), source == null ? null : source.incremental(),
                    v.taken == null ? null : v.taken.takenAt(), v.state == VolumeState.WAITING ? v.waitingFor : null, v.bytesDone,
                    v.bytesTotal, v.bytesDone == null ? null : TransferPace.percent(v.bytesDone, v.bytesTotal),
                    v.state == VolumeState.TRANSFERRING ? v.pace.bytesPerSecond() : null,
                    v.state == VolumeState.TRANSFERRING && v.bytesDone != null ? v.pace.etaSeconds(v.bytesDone, v.bytesTotal) : null, v.vhdUrl, v.targetSnapshotId, v.failedStep, v.errorCode, v.error,
                    v.updatedAt));
        }
        views.sort(java.util.Comparator.comparingInt(VolumeView::volumeIndex));
        return new View(backupId, correlationId, namespace, policy, strategy == null ? null : strategy.wireName(),
                copySpeed == null ? null : copySpeed.wireName(), state(),
                requestedAt, requestedBy, snapshotsDoneAt, views, skipped, rebuilt);
    }

    private Volume volume(String pvcUid) {
        Volume volume = volumes.get(pvcUid);
        if (volume == null) {
            throw new IllegalArgumentException("backup " + backupId + " has no volume of PVC uid " + pvcUid);
        }
        return volume;
    }

    /** Events may arrive out of order across topics: a volume never moves back to an earlier state. */
    private static void advance(Volume volume, VolumeState next, Instant at) {
        if (volume.state == VolumeState.FAILED || next.ordinal() > volume.state.ordinal()) {
            volume.state = next;
            volume.updatedAt = at;
            if (next != VolumeState.FAILED) {
                volume.failedStep = null;
                volume.errorCode = null;
                volume.error = null;
            }
        }
    }
}
