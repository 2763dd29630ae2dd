package dev.ferry.e2e;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The local DR run's report: per volume what was written, moved and how long each step took; the run's RPO lag and restore time. */
record RunReport(DrScenario.Backup backup, DrScenario.Restore restore, List<String> problems, Duration wallTime, Path logs) {

    void print(PrintStream out) {
        out.println();
        out.println("Ferry local DR run: backup " + backup.backupId() + ", restore " + restore.restoreId());
        out.println(String.format("%-14s %12s %12s %12s %10s %10s %10s", "volume", "disk", "written", "moved", "export", "import",
                "engine"));
        for (DrScenario.VolumeFigures v : backup.volumes()) {
            out.println(String.format("%-14s %12s %12s %12s %8d ms %7d ms %10s", v.pvc(), DrScenario.mib(v.bytesTotal()),
                    DrScenario.mib(v.bytesWritten()), DrScenario.mib(v.bytesMoved()), v.exportMillis(), v.importMillis(), v.engine()));
        }
        long written = backup.volumes().stream().mapToLong(DrScenario.VolumeFigures::bytesWritten).sum();
        long moved = backup.volumes().stream().mapToLong(DrScenario.VolumeFigures::bytesMoved).sum();
        long disks = backup.volumes().stream().mapToLong(DrScenario.VolumeFigures::bytesTotal).sum();
        out.println(String.format("%-14s %12s %12s %12s", "total", DrScenario.mib(disks), DrScenario.mib(written), DrScenario.mib(moved)));
        out.println();
        out.println("recovery-point lag (source snapshots taken -> restore point complete in region B): "
                + seconds(backup.recoveryPointLag()));
        out.println("backup wall time (request -> restore point complete):                          " + seconds(backup.wallTime()));
        out.println("restore time (request -> every PVC Bound on the DR cluster):                    " + seconds(restore.restoreTime())
                + "  " + restore.pvcs());
        out.println("data check: " + (problems.isEmpty() ? "every restored disk holds exactly the written bytes" : "FAILED " + problems));
        out.println("whole run: " + seconds(wallTime) + "; logs of every process: " + logs);
    }

    private static String seconds(Duration duration) {
        return String.format("%.2f s", duration.toMillis() / 1000.0);
    }
}
