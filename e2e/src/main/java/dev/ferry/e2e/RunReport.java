package dev.ferry.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * The local DR run's report: per volume and backup what was written, changed, moved and how long
 * each step took; per backup the recovery-point lag and where the time went; the restore time; the
 * drill (its outcome, time to recover and cleanup). Also as JSON ({@link #writeJson}).
 *
 * @param drill the drill after the restore; null when none was run
 */
record RunReport(List<DrScenario.Backup> backups, DrScenario.Restore restore, List<String> problems, DrScenario.Drill drill,
                 Duration wallTime, Path logs) {

    /** The report as {@code --report-json} writes it; {@code drill} is null when none was run. */
    record JsonReport(List<JsonBackup> backups, JsonRestore restore, String dataCheck, JsonDrill drill) {
    }

    /**
     * The drill in the JSON report: its outcome ({@code passed} or {@code failed}, where and why), restore-service's
     * measured time to recover and the application's RTO target (null without one), the check Job's outcome (set by the
     * run: nothing here runs pods), the whole drill's time as the run saw it, and the cleanup: the drill's objects by kind while its check ran and after it, and
     * how many of the restore point's region-B snapshots still exist.
     */
    record JsonDrill(String drillId, String restorePointId, String outcome, String failedStep, String errorCode, Long rtoMillis,
                     Long rtoTargetSeconds, String checkOutcome, Long checkMillis, long drillMillis, int volumes, boolean cleanedUp,
                     Map<String, Integer> objectsDuringCheck, Map<String, Integer> objectsAfter, int regionBSnapshots,
                     int regionBSnapshotsKept) {
    }

    /** Whether the drill passed and left nothing behind, every region-B snapshot of its restore point still there. */
    static boolean clean(DrScenario.Drill drill) {
        return "passed".equals(drill.state()) && drill.cleanedUp() && DrillObjects.total(drill.objectsAfter()) == 0
                && drill.regionBSnapshotsGone().isEmpty();
    }

    /** One backup in the JSON report. */
    record JsonBackup(String backupId, String strategy, long recoveryPointLagMillis, JsonLagSplit requestToRegionB,
                      long grantWaitMillis, long revokeWaitMillis, List<JsonVolume> volumes) {
    }

    /** Where the time from the backup's request to region B went ({@link LagSplit}), each moment counted once. */
    record JsonLagSplit(long totalMillis, long snapshotMillis, long exportMillis, long importMillis, long betweenMillis) {
        static JsonLagSplit of(LagSplit split) {
            return new JsonLagSplit(split.total().toMillis(), split.snapshot().toMillis(), split.export().toMillis(),
                    split.imports().toMillis(), split.between().toMillis());
        }
    }

    /** One volume of one backup in the JSON report; {@code changedBytes} is null when export-service did not say. */
    record JsonVolume(String pvc, long diskBytes, long writtenBytes, Long changedBytes, long movedBytes, long exportMillis,
                      long importMillis, String mode) {
    }

    /** The restore in the JSON report: its time and the restored PVCs with their phase. */
    record JsonRestore(long restoreMillis, List<String> pvcs) {
    }

    private static final String VOLUME_ROW = "%-14s %10s %6s %10s %10s %10s %8s %8s  %s";
    private static final String LAG_ROW = "%-6s  %18s  %19s  %9s %9s %9s %9s";

    void print(PrintStream out) {
        DrScenario.Backup restored = backups.get(backups.size() - 1);
        out.println();
        out.println("Ferry local DR run: " + backups.size() + (backups.size() == 1 ? " backup" : " backups") + ", restore "
                + restore.restoreId() + " of backup " + backups.size());
        for (int i = 0; i < backups.size(); i++) {
            DrScenario.Backup backup = backups.get(i);
            out.println(String.format("  backup %d: %s, strategy %s, engine %s", i + 1, backup.backupId(), backup.strategy(),
                    String.join("/", backup.volumes().stream().map(DrScenario.VolumeFigures::engine).distinct().toList())));
        }
        out.println();
        out.println(row(VOLUME_ROW, "volume", "disk", "backup", "written", "changed", "moved", "export", "import", "mode"));
        for (DrScenario.VolumeFigures first : restored.volumes()) {
            for (int i = 0; i < backups.size(); i++) {
                DrScenario.VolumeFigures v = backups.get(i).volumes().stream().filter(f -> f.pvc().equals(first.pvc())).findFirst()
                        .orElseThrow();
                out.println(row(VOLUME_ROW, i == 0 ? v.pvc() : "", i == 0 ? DrScenario.mib(v.bytesTotal()) : "", i + 1,
                        DrScenario.mib(v.bytesWritten()), v.bytesChanged() == null ? "-" : DrScenario.mib(v.bytesChanged()),
                        DrScenario.mib(v.bytesMoved()), v.exportMillis() + " ms", v.importMillis() + " ms", mode(v)));
            }
        }
        for (int i = 0; i < backups.size(); i++) {
            DrScenario.Backup backup = backups.get(i);
            out.println(row(VOLUME_ROW, i == 0 ? "total" : "",
                    i == 0 ? DrScenario.mib(sum(backup, DrScenario.VolumeFigures::bytesTotal)) : "", i + 1,
                    DrScenario.mib(sum(backup, DrScenario.VolumeFigures::bytesWritten)),
                    DrScenario.mib(sum(backup, v -> Objects.requireNonNullElse(v.bytesChanged(), 0L))),
                    DrScenario.mib(sum(backup, DrScenario.VolumeFigures::bytesMoved)), "", "", ""));
        }
        out.println();
        out.println(String.format(LAG_ROW, "backup", "recovery-point lag", "request -> region B", "snapshot", "export", "import",
                "between"));
        for (int i = 0; i < backups.size(); i++) {
            DrScenario.Backup backup = backups.get(i);
            LagSplit split = backup.split();
            out.println(String.format(LAG_ROW, i + 1, seconds(backup.recoveryPointLag()), seconds(split.total()), seconds(split.snapshot()),
                    seconds(split.export()), seconds(split.imports()), seconds(split.between())));
        }
        out.println();
        for (int i = 0; i < backups.size(); i++) {
            DrScenario.AzureWaits waits = backups.get(i).azureWaits();
            out.println(String.format("backup %d: export waited on Azure's grants %s and revokes %s, summed over its volumes", i + 1,
                    seconds(waits.grant()), seconds(waits.revoke())));
        }
        out.println("recovery-point lag: source snapshots taken -> last volume's snapshot in region B; request -> region B: backup");
        out.println("request -> the same, each moment counted once: snapshot (until the last source snapshot was taken), export or");
        out.println("import (some volume's step running), between (no step running)");
        out.println("backup wall time (request -> restore point complete), per backup: "
                + String.join(", ", backups.stream().map(b -> seconds(b.wallTime())).toList()));
        out.println("restore time (request -> every PVC Bound on the DR cluster): " + seconds(restore.restoreTime()) + "  " + restore.pvcs());
        out.println("data check: " + (problems.isEmpty() ? "every restored disk holds exactly the bytes of backup " + backups.size()
                : "FAILED " + problems));
        if (drill != null) {
            printDrill(out);
        }
        out.println("whole run: " + seconds(wallTime) + "; logs of every process: " + logs);
    }

    private void printDrill(PrintStream out) {
        out.println("drill " + drill.drillId() + " of " + drill.namespace() + " (restore point " + drill.restorePointId() + ", "
                + drill.volumes() + " PVCs): " + drill.state().toUpperCase(java.util.Locale.ROOT)
                + (drill.failedStep() == null ? "" : " in step " + drill.failedStep() + " (" + drill.errorCode() + ")")
                + (drill.rto() == null ? "" : ", time to recover (drill start -> every PVC ready) " + seconds(drill.rto()))
                + (drill.rtoTargetSeconds() == null ? ", no RTO target" : " of an RTO target of " + drill.rtoTargetSeconds() + " s")
                + "; the whole drill (request -> cleaned up) " + seconds(drill.wallTime()));
        out.println("  check Job " + CheckJobFinisher.CHECK_JOB + ": " + Objects.requireNonNullElse(drill.checkOutcome(), "-")
                + (drill.checkDuration() == null ? "" : " after " + seconds(drill.checkDuration()))
                + "; its status was set by this run acting as kubelet and Job controller (nothing in the local stand-ins runs pods)");
        out.println("  cleanup: the drill's objects while its check ran " + drill.objectsDuringCheck() + ", after the drill "
                + drill.objectsAfter() + (drill.cleanedUp() ? "" : " (restore-service says: NOT cleaned up)"));
        out.println("  region-B snapshots of the restore point: " + (drill.regionBSnapshots().size() - drill.regionBSnapshotsGone().size())
                + " of " + drill.regionBSnapshots().size() + " still exist" + (drill.regionBSnapshotsGone().isEmpty() ? ""
                : "; GONE: " + drill.regionBSnapshotsGone()));
    }

    /** Writes the figures to {@code file} as {@link JsonReport}. */
    void writeJson(Path file) {
        List<JsonBackup> json = backups.stream().map(b -> new JsonBackup(b.backupId(), b.strategy(), b.recoveryPointLag().toMillis(),
                JsonLagSplit.of(b.split()), b.azureWaits().grant().toMillis(), b.azureWaits().revoke().toMillis(), b.volumes().stream().map(v -> new JsonVolume(v.pvc(), v.bytesTotal(), v.bytesWritten(), v.bytesChanged(), v.bytesMoved(),
                        v.exportMillis(), v.importMillis(), v.mode())).toList())).toList();
        JsonDrill jsonDrill = drill == null ? null : new JsonDrill(drill.drillId(), drill.restorePointId(), drill.state(),
                drill.failedStep(), drill.errorCode(), drill.rto() == null ? null : drill.rto().toMillis(), drill.rtoTargetSeconds(),
                drill.checkOutcome(), drill.checkDuration() == null ? null : drill.checkDuration().toMillis(),
                drill.wallTime().toMillis(), drill.volumes(),
                drill.cleanedUp(), drill.objectsDuringCheck(), drill.objectsAfter(), drill.regionBSnapshots().size(),
                drill.regionBSnapshots().size() - drill.regionBSnapshotsGone().size());
        JsonReport report = new JsonReport(json, new JsonRestore(restore.restoreTime().toMillis(), restore.pvcs()),
                problems.isEmpty() ? "exact" : "differs", jsonDrill);
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String row(String format, Object... values) {
        return String.format(format, values).stripTrailing();
    }

    private static String mode(DrScenario.VolumeFigures v) {
        String mode = Objects.requireNonNullElse(v.mode(), "-");
        return v.fullCopyReason() == null ? mode : mode + " (" + v.fullCopyReason() + ")";
    }

    private static long sum(DrScenario.Backup backup, ToLongFunction<DrScenario.VolumeFigures> figure) {
        return backup.volumes().stream().mapToLong(figure).sum();
    }

    private static String seconds(Duration duration) {
        return String.format("%.2f s", duration.toMillis() / 1000.0);
    }
}
