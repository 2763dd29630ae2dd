package dev.ferry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.Topics;
import dev.ferry.events.TransferStats;
import dev.ferry.events.VhdExported;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.kafka.TopicProbe;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The steps of the local DR run against a running {@link FerryStack}, through the services' REST
 * APIs only: back up the application, follow it to a complete restore point in region B, restore it
 * on the DR cluster, check every restored disk byte for byte, and drill it.
 */
final class DrScenario {

    private static final Duration POLL = Duration.ofMillis(250);

    /**
     * What one volume's trip to region B measured, from its {@code VhdExported} and {@code SnapshotRecreated}.
     *
     * @param bytesChanged   what the transfer had to bring up to date (a diff's changed and cleared bytes, a
     *                       full copy's written bytes); null when export-service did not say
     * @param mode           {@code full} or {@code diff}
     * @param fullCopyReason why an incremental strategy copied in full; null for a diff and for vhd-full
     */
    record VolumeFigures(String pvc, long bytesWritten, Long bytesChanged, long bytesMoved, long bytesTotal, long exportMillis,
                         long importMillis, String engine, String mode, String fullCopyReason, LagSplit.Span exportSpan,
                         LagSplit.Span importSpan) {
    }

    /**
     * A backup that reached region B.
     *
     * @param strategy         the transfer strategy snapshot-service used
     * @param recoveryPointLag from the source snapshots being taken to the restore point being complete in region B
     * @param split            the time from the request to the last volume's snapshot in region B, by step
     */
    record Backup(String backupId, String strategy, DemoApp.Contents contents, List<VolumeFigures> volumes, Instant takenAt,
                  Duration recoveryPointLag, LagSplit split, AzureWaits azureWaits, Duration wallTime) {
    }

    /**
     * The time export-service's volumes spent waiting on Azure's grant and revoke operations during a backup, summed
     * over the volumes (from its {@code ferry_export_azure_wait_seconds} timer), apart from its own work; a replica
     * killed during the backup is not counted.
     */
    record AzureWaits(Duration grant, Duration revoke) {

        AzureWaits since(AzureWaits before) {
            return new AzureWaits(grant.minus(before.grant), revoke.minus(before.revoke));
        }

        /** What export-service's metrics say now. */
        static AzureWaits read(String metrics) {
            return new AzureWaits(sum(metrics, "grant"), sum(metrics, "revoke"));
        }

        AzureWaits plus(AzureWaits other) {
            return new AzureWaits(grant.plus(other.grant), revoke.plus(other.revoke));
        }

        private static Duration sum(String metrics, String operation) {
            double seconds = MetricsText.sum(metrics, "ferry_export_azure_wait_seconds_sum{", "operation=\"" + operation + "\"");
            return Duration.ofNanos((long) (seconds * 1e9));
        }
    }

    /**
     * What each export-service replica of the stack ({@code export-service}, or {@code export-service-1}, ...) says
     * now; a replica that does not answer (one a test has killed) is left out.
     */
    private Map<String, AzureWaits> azureWaits() {
        Map<String, AzureWaits> waits = new HashMap<>();
        for (String service : stack.serviceNames()) {
            if (service.startsWith("export-service")) {
                try {
                    waits.put(service, AzureWaits.read(stack.api(service).text("/q/metrics")));
                } catch (IllegalStateException e) {
                    // gone: its waits are not counted
                }
            }
        }
        return waits;
    }

    /** The waits since {@code before}, summed over the replicas that answered both times. */
    private static AzureWaits since(Map<String, AzureWaits> before, Map<String, AzureWaits> after) {
        AzureWaits sum = new AzureWaits(Duration.ZERO, Duration.ZERO);
        for (Map.Entry<String, AzureWaits> replica : after.entrySet()) {
            AzureWaits earlier = before.get(replica.getKey());
            if (earlier != null) {
                sum = sum.plus(replica.getValue().since(earlier));
            }
        }
        return sum;
    }

    /** A restore that completed on the DR cluster. */
    record Restore(String restoreId, String namespace, Duration restoreTime, List<String> pvcs) {
    }

    /**
     * A drill's check as {@code POST /api/v1/drills} takes it: the image and command of the Job restore-service runs
     * over the restored PVCs (mounted read-only under {@code /restored/<pvc>}), and how long it may run.
     */
    record Check(String image, List<String> command, String timeout) {
    }

    /**
     * A drill that finished, as restore-service reported it, with what the run saw on the DR cluster.
     *
     * @param state               {@code passed} or {@code failed}
     * @param rto                 restore-service's measured time from the drill's start to every PVC ready; null if none
     * @param checkJob            the check Job as restore-service created it, before the run finished it; null if it made none
     * @param wallTime            from the request to the drill's end as the run saw it (cleanup included)
     * @param objectsDuringCheck  the drill's objects by kind while its check ran ({@link DrillObjects})
     * @param objectsAfter        the drill's objects by kind once it had finished
     * @param regionBSnapshots    the region-B snapshots of the restore point drilled
     * @param regionBSnapshotsGone those of them that no longer exist after the drill
     */
    record Drill(String drillId, String namespace, String restorePointId, String state, String failedStep, String errorCode,
                 Duration rto, Long rtoTargetSeconds, String checkOutcome, Duration checkDuration, int volumes, boolean cleanedUp,
                 io.fabric8.kubernetes.api.model.batch.v1.Job checkJob, Map<String, Integer> objectsDuringCheck,
                 Map<String, Integer> objectsAfter, List<String> regionBSnapshots, List<String> regionBSnapshotsGone,
                 Duration wallTime) {
    }

    private final FerryStack stack;
    private final Consumer<String> progress;
    private final Duration timeout;

    DrScenario(FerryStack stack, Consumer<String> progress, Duration timeout) {
        this.stack = stack;
        this.progress = progress;
        this.timeout = timeout;
    }

    /** Backs up the application's namespace with snapshot-service's configured strategy; see {@link #backup(DemoApp, String)}. */
    Backup backup(DemoApp app) {
        return backup(app, null);
    }

    /**
     * Backs up the application's namespace through snapshot-service with the transfer strategy given
     * ({@code vhd-full}, {@code vhd-incremental}; null for the service's configured one) and waits for
     * its complete restore point in region B.
     */
    Backup backup(DemoApp app, String strategy) {
        long started = System.nanoTime();
        DemoApp.Contents contents = app.contents();
        Api snapshots = stack.snapshotService();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("namespace", app.namespace());
        if (strategy != null) {
            body.put("strategy", strategy);
        }
        Map<String, AzureWaits> waitsBefore = azureWaits();
        Instant requested = Instant.now();
        JsonNode accepted = snapshots.expect(202, snapshots.post("/api/v1/backups", body), "POST /api/v1/backups");
        String backupId = accepted.path("backupId").asText();
        progress.accept("backup " + backupId + " of namespace " + app.namespace() + " requested"
                + (strategy == null ? "" : " (" + strategy + ")"));
        Map<String, String> shown = new HashMap<>();
        JsonNode run;
        try (ProgressFollower follower = new ProgressFollower(stack.kafkaClientSettings(), backupId, progress)) {
            run = awaitState(() -> snapshots.get("/api/v1/backups/" + backupId).body(), view -> {
                for (JsonNode volume : view.path("volumes")) {
                    String pvc = volume.path("pvc").asText();
                    String state = volume.path("state").asText();
                    if (!state.equals(shown.put(pvc, state))) {
                        progress.accept(String.format("  %-14s %-12s %s", pvc, state, detail(volume, backupId)));
                    }
                }
                String state = view.path("state").asText();
                if (state.equals("FAILED") || state.equals("PARTIALLY_FAILED")) {
                    throw new IllegalStateException("backup " + backupId + " " + state + ": " + view);
                }
                return state.equals("COMPLETED");
            }, "backup " + backupId + " to reach region B");
        }
        awaitRestorePoint(backupId);
        Instant complete = Instant.now();
        Duration wall = Duration.ofNanos(System.nanoTime() - started);

        List<VhdExported> exported = new ArrayList<>();
        List<SnapshotRecreated> recreated = new ArrayList<>();
        // One event of each kind per volume (a redelivery may have sent one twice): asked for by the PVC's uid.
        for (JsonNode volume : run.path("volumes")) {
            String uid = volume.path("pvcUid").asText();
            if (!"copy-start".equals(run.path("strategy").asText())) {
                exported.addAll(events(Topics.VHD_EXPORTED, 1, VhdExported.class, backupId, uid));
            }
            recreated.addAll(events(Topics.SNAPSHOT_RECREATED, 1, SnapshotRecreated.class, backupId, uid));
        }
        List<VolumeFigures> figures = new ArrayList<>();
        Instant takenAt = null;
        Instant lastTaken = null;
        for (SnapshotRecreated region : recreated) {
            String pvc = region.volume().pvc().name();
            // copy-start has no VHD: Azure's copy is the transfer, and there is no import.
            VhdExported vhd = exported.stream().filter(e -> e.volume().pvc().name().equals(pvc)).findFirst().orElse(null);
            TransferStats transfer = vhd != null ? vhd.transfer() : region.transfer();
            long importMillis = Objects.requireNonNullElse(region.importDurationMillis(), 0L);
            figures.add(new VolumeFigures(pvc, contents.writtenBytes(pvc), transfer.bytesChanged(), transfer.bytesMoved(),
                    transfer.bytesTotal(), transfer.durationMillis(), importMillis, transfer.engine(), transfer.mode(),
                    transfer.fullCopyReason(), new LagSplit.Span(transfer.startedAt(), transfer.completedAt()),
                    new LagSplit.Span(region.recreatedAt().minusMillis(importMillis), region.recreatedAt())));
            Instant taken = region.volume().takenAt();
            takenAt = takenAt == null || taken.isBefore(takenAt) ? taken : takenAt;
            lastTaken = lastTaken == null || taken.isAfter(lastTaken) ? taken : lastTaken;
        }
        figures.sort(java.util.Comparator.comparing(VolumeFigures::pvc));
        Instant lastRecreated = recreated.stream().map(SnapshotRecreated::recreatedAt).max(Instant::compareTo).orElse(complete);
        LagSplit split = LagSplit.of(run.hasNonNull("requestedAt") ? Instant.parse(run.path("requestedAt").asText()) : requested, lastTaken,
                figures.stream().map(VolumeFigures::exportSpan).toList(), figures.stream().map(VolumeFigures::importSpan).toList(),
                lastRecreated);
        progress.accept("restore point " + backupId + " complete in region B");
        return new Backup(backupId, run.path("strategy").asText(null), contents, figures, takenAt,
                Duration.between(takenAt, lastRecreated), split, since(waitsBefore, azureWaits()), wall);
    }

    /** Waits until restore-service's catalog has the backup's restore point, complete. */
    void awaitRestorePoint(String backupId) {
        Api restores = stack.restoreService();
        awaitState(() -> restores.get("/api/v1/restore-points/" + backupId).body(), point -> point.path("complete").asBoolean(false),
                "restore point " + backupId + " to be complete in the catalog");
    }

    /** Restores a restore point on the DR cluster through restore-service, and waits until it completes. */
    Restore restore(String restorePointId, String targetNamespace, Map<String, String> storageClassMap) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("restorePointId", restorePointId);
        body.put("createNamespace", true);
        if (targetNamespace != null) {
            body.put("targetNamespace", targetNamespace);
        }
        if (storageClassMap != null) {
            body.put("storageClassMap", storageClassMap);
        }
        Api restores = stack.restoreService();
        JsonNode accepted = restores.expect(202, restores.post("/api/v1/restores", body), "POST /api/v1/restores");
        String restoreId = accepted.path("restoreId").asText();
        progress.accept("restore " + restoreId + " of restore point " + restorePointId + " into namespace "
                + accepted.path("targetNamespace").asText() + " started");
        JsonNode done = awaitState(() -> restores.get("/api/v1/restores/" + restoreId).body(), view -> {
            if (view.path("state").asText().equals("FAILED")) {
                throw new IllegalStateException("restore " + restoreId + " failed: " + view.path("error").asText());
            }
            return view.path("state").asText().equals("COMPLETED");
        }, "restore " + restoreId + " to complete");
        List<String> pvcs = new ArrayList<>();
        done.path("volumes").forEach(v -> pvcs.add(v.path("pvcName").asText() + " " + v.path("phase").asText()));
        Duration time = Duration.ofMillis(done.path("restoreDurationMillis").asLong());
        progress.accept("restore " + restoreId + " completed in " + time.toMillis() + " ms: " + pvcs);
        return new Restore(restoreId, done.path("targetNamespace").asText(), time, pvcs);
    }

    /**
     * Drills the application of the source namespace through restore-service ({@code POST /api/v1/drills}): its newest
     * complete restore point restored into a scratch namespace, the check Job run, everything removed again. The run plays
     * the kubelet and the Job controller for the check ({@link CheckJobFinisher}: nothing here runs pods) and ends it with
     * {@code outcome}; it counts the drill's objects while the check runs and after the drill, and looks up the restore
     * point's region-B snapshots afterwards.
     */
    Drill drill(String namespace, Check check, CheckJobFinisher.Outcome outcome) {
        long started = System.nanoTime();
        String drillId = "drill-" + java.util.UUID.randomUUID();
        KubernetesClient dr = stack.cloud().drCluster().client();
        Api restores = stack.restoreService();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("namespace", namespace);
        body.put("drillId", drillId);
        body.put("check", check);
        JsonNode accepted = restores.expect(202, restores.post("/api/v1/drills", body), "POST /api/v1/drills");
        String scratch = accepted.path("scratchNamespace").asText();
        progress.accept("drill " + drillId + " of namespace " + namespace + " started: restore point "
                + accepted.path("restorePointId").asText() + " into " + scratch);
        // The check Job appears once every PVC is ready; a drill that fails before never makes it.
        var checkJob = dr.batch().v1().jobs().inNamespace(scratch).withName(CheckJobFinisher.CHECK_JOB);
        awaitState(() -> restores.get("/api/v1/drills/" + drillId).body(), view -> !view.path("state").asText().equals("running")
                || checkJob.get() != null, "drill " + drillId + " to create its check Job");
        io.fabric8.kubernetes.api.model.batch.v1.Job job = checkJob.get();
        Map<String, Integer> during = DrillObjects.count(dr, drillId);
        if (job != null) {
            progress.accept("  check Job " + scratch + "/" + job.getMetadata().getName() + " created; the run ends it as "
                    + outcome.name().toLowerCase(java.util.Locale.ROOT) + " (nothing here runs pods); the drill's objects now: " + during);
            CheckJobFinisher.finish(dr, scratch, outcome);
        }
        JsonNode done = awaitState(() -> restores.get("/api/v1/drills/" + drillId).body(),
                view -> !view.path("state").asText().equals("running"), "drill " + drillId + " to finish");
        Map<String, Integer> after = DrillObjects.count(dr, drillId);
        String pointId = done.path("restorePointId").asText();
        List<String> snapshots = new ArrayList<>();
        restores.expect(200, restores.get("/api/v1/restore-points/" + pointId), "GET /api/v1/restore-points/" + pointId)
                .path("volumes").forEach(v -> snapshots.add(v.path("snapshotId").asText()));
        List<String> gone = snapshots.stream()
                .filter(id -> stack.cloud().azure().compute().snapshot(ResourceKey.parse(id)).isEmpty()).toList();
        JsonNode checked = done.path("check");
        Drill drill = new Drill(drillId, namespace, pointId, done.path("state").asText(), done.path("failedStep").asText(null),
                done.path("errorCode").asText(null), done.hasNonNull("rtoMillis") ? Duration.ofMillis(done.path("rtoMillis").asLong()) : null,
                done.hasNonNull("rtoTargetSeconds") ? done.path("rtoTargetSeconds").asLong() : null,
                checked.path("outcome").asText(null), checked.hasNonNull("durationMillis")
                        ? Duration.ofMillis(checked.path("durationMillis").asLong()) : null,
                done.path("volumes").asInt(), done.path("cleanedUp").asBoolean(), job, during, after, snapshots, gone,
                Duration.ofNanos(System.nanoTime() - started));
        progress.accept("drill " + drillId + " " + drill.state() + (drill.failedStep() == null ? "" : " in step " + drill.failedStep()
                + " (" + drill.errorCode() + ")") + (drill.rto() == null ? "" : ", every PVC ready in " + drill.rto().toMillis() + " ms")
                + "; cleaned up: " + drill.cleanedUp() + ", its objects now: " + after + ", region-B snapshots gone: " + gone.size()
                + " of " + snapshots.size());
        return drill;
    }

    /** Checks each restored PVC of the namespace: Bound, and its disk holds exactly the backed-up bytes. Returns the problems. */
    List<String> verify(String namespace, DemoApp.Contents expected) {
        KubernetesClient dr = stack.cloud().drCluster().client();
        List<String> problems = new ArrayList<>();
        for (String pvc : expected.extents().keySet()) {
            PersistentVolumeClaim claim = dr.persistentVolumeClaims().inNamespace(namespace).withName(pvc).get();
            if (claim == null || claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase())) {
                problems.add(pvc + ": not Bound in namespace " + namespace + " of the DR cluster");
                continue;
            }
            String diskId = dr.persistentVolumes().withName(claim.getSpec().getVolumeName()).get().getSpec().getCsi().getVolumeHandle();
            var disk = stack.cloud().azure().compute().disk(ResourceKey.parse(diskId));
            if (disk.isEmpty()) {
                problems.add(pvc + ": its disk " + diskId + " does not exist");
                continue;
            }
            problems.addAll(DemoApp.compare(disk.get().content(), pvc, expected));
        }
        progress.accept(problems.isEmpty() ? "every restored disk in " + namespace + " holds exactly the backed-up bytes"
                : "restored disks differ: " + problems);
        return problems;
    }

    /** The first {@code count} events of the topic that mention every one of {@code ids}. */
    private <T extends FerryEvent> List<T> events(String topic, int count, Class<T> type, String... ids) {
        List<T> events = new ArrayList<>();
        for (TopicProbe.Received record : stack.kafka().read(topic,
                r -> java.util.Arrays.stream(ids).allMatch(id -> r.text().contains("\"" + id + "\"")), count, timeout)) {
            events.add(EventJson.read(record.value(), type));
        }
        return events;
    }

    /** What the progress line says about a volume that reached a state. */
    private String detail(JsonNode volume, String backupId) {
        return switch (volume.path("state").asText()) {
            case "TAKEN" -> "snapshot " + volume.path("snapshotId").asText().replaceAll(".*/", "") + ", "
                    + mib(volume.path("sizeBytes").asLong()) + " disk";
            case "EXPORTED" -> events(Topics.VHD_EXPORTED, 1, VhdExported.class, backupId, volume.path("pvcUid").asText()).stream()
                    .findFirst()
                    .map(e -> mib(e.transfer().bytesMoved()) + " moved in " + e.transfer().durationMillis() + " ms (" + e.transfer().engine()
                            + (e.transfer().mode() == null ? "" : ", " + e.transfer().mode()) + ")")
                    .orElse("VHD in region B");
            case "RECREATED" -> "snapshot " + volume.path("targetSnapshotId").asText().replaceAll(".*/", "") + " in region B";
            case "FAILED" -> volume.path("failedStep").asText() + ": " + volume.path("error").asText();
            default -> "";
        };
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** Reads until {@code done} holds, failing when a process of the stack died or the scenario's timeout passed. */
    JsonNode awaitState(java.util.function.Supplier<JsonNode> read, java.util.function.Predicate<JsonNode> done, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> dead = stack.deadProcesses();
            if (!dead.isEmpty()) {
                throw new IllegalStateException(dead + " stopped unexpectedly while waiting for " + what + "; see " + stack.logs());
            }
            JsonNode value = read.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + "; last seen: " + value);
            }
            ManagedProcess.sleep(POLL);
        }
    }
}
