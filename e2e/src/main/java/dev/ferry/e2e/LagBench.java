package dev.ferry.e2e;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lag benchmark's summary ({@code deploy/lag-bench.sh}): reads the local DR runs' JSON reports it is given, one
 * per case, and prints one table of their last (diff) backup and their restore, with the recovery-point lag split
 * into its steps and the waits on Azure's grants and revokes apart.
 */
public final class LagBench {

    private static final String ROW = "%-8s %14s %10s %9s %9s %9s %9s %8s %8s %9s";

    private LagBench() {
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        List<String> lines = new ArrayList<>();
        for (String file : args) {
            RunReport.JsonReport report = json.readValue(Path.of(file).toFile(), RunReport.JsonReport.class);
            lines.add(row(report.backups().get(report.backups().size() - 1), report.restore()));
        }
        System.out.println();
        System.out.println("lag benchmark: the last backup (a diff) of each case, and its restore");
        System.out.println(String.format(ROW, "volumes", "changed/volume", "lag", "snapshot", "export", "import", "between",
                "grants", "revokes", "restore").stripTrailing());
        lines.forEach(System.out::println);
        System.out.println("lag: source snapshots taken -> last volume in region B; snapshot/export/import/between split the time"
                + " from the request to region B, each moment counted once; grants and revokes: export's waits on Azure, summed"
                + " over the volumes (they overlap the export column); restore: request -> every PVC Bound");
    }

    static String row(RunReport.JsonBackup backup, RunReport.JsonRestore restore) {
        long changed = backup.volumes().stream().mapToLong(v -> v.changedBytes() == null ? v.movedBytes() : v.changedBytes()).sum();
        int volumes = backup.volumes().size();
        RunReport.JsonLagSplit split = backup.requestToRegionB();
        return String.format(ROW, volumes, DrScenario.mib(volumes == 0 ? 0 : changed / volumes), seconds(backup.recoveryPointLagMillis()),
                seconds(split.snapshotMillis()), seconds(split.exportMillis()), seconds(split.importMillis()),
                seconds(split.betweenMillis()), seconds(backup.grantWaitMillis()), seconds(backup.revokeWaitMillis()),
                seconds(restore.restoreMillis())).stripTrailing();
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.2f s", millis / 1000.0);
    }
}
