package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local DR run's JSON report carries each backup's lag and where its time went, and the drill's outcome and cleanup. */
class RunReportTest {

    @Test
    void theJsonReportCarriesEachBackupsSplitOfItsTimeToRegionB(@TempDir Path dir) throws Exception {
        Instant t0 = Instant.parse("2026-12-02T10:00:00Z");
        LagSplit.Span export = new LagSplit.Span(t0.plusMillis(400), t0.plusMillis(1_400));
        LagSplit.Span imports = new LagSplit.Span(t0.plusMillis(1_600), t0.plusMillis(4_600));
        LagSplit split = LagSplit.of(t0, t0.plusMillis(300), List.of(export), List.of(imports), t0.plusMillis(4_800));
        DrScenario.VolumeFigures volume = new DrScenario.VolumeFigures("orders-db", 10, 5L, 5, 1 << 30, 1_000, 3_000,
                "server-side", "diff", null, export, imports);
        DrScenario.Backup backup = new DrScenario.Backup("b-1", "vhd-incremental", null, List.of(volume), t0.plusMillis(300),
                Duration.ofMillis(4_500), split, new DrScenario.AzureWaits(Duration.ofMillis(120), Duration.ofMillis(80)),
                Duration.ofMillis(5_000));
        Path file = dir.resolve("report.json");

        new RunReport(List.of(backup), new DrScenario.Restore("r-1", "shop", Duration.ofMillis(900), List.of("orders-db Bound")),
                List.of(), null, Duration.ofSeconds(10), dir).writeJson(file);

        JsonNode written = new ObjectMapper().readTree(Files.readString(file)).path("backups").path(0);
        assertThat(written.path("recoveryPointLagMillis").asLong()).isEqualTo(4_500);
        JsonNode lag = written.path("requestToRegionB");
        assertThat(lag.path("totalMillis").asLong()).isEqualTo(4_800);
        assertThat(lag.path("snapshotMillis").asLong()).isEqualTo(300);
        assertThat(lag.path("exportMillis").asLong()).isEqualTo(1_000);
        assertThat(lag.path("importMillis").asLong()).isEqualTo(3_000);
        assertThat(lag.path("betweenMillis").asLong()).as("300-400, 1400-1600, 4600-4800").isEqualTo(500);
        assertThat(written.path("grantWaitMillis").asLong()).isEqualTo(120);
        assertThat(written.path("revokeWaitMillis").asLong()).isEqualTo(80);
    }

    @Test
    void theJsonReportCarriesTheDrillsOutcomeTimeToRecoverAndCleanup(@TempDir Path dir) throws Exception {
        Map<String, Integer> during = new LinkedHashMap<>();
        during.put("Namespace", 1);
        during.put("PersistentVolumeClaim", 2);
        during.put("VolumeSnapshot", 2);
        during.put("VolumeSnapshotContent", 2);
        during.put("Job", 1);
        Map<String, Integer> after = new LinkedHashMap<>();
        during.keySet().forEach(kind -> after.put(kind, 0));
        DrScenario.Drill drill = new DrScenario.Drill("drill-1", "demo", "b-1", "passed", null, null, Duration.ofMillis(2_345), null,
                "succeeded", Duration.ofMillis(410), 2, true, null, during, after, List.of("snap-a", "snap-b"), List.of(),
                Duration.ofSeconds(4));
        Path file = dir.resolve("report.json");

        new RunReport(List.of(), new DrScenario.Restore("r-1", "demo", Duration.ofMillis(900), List.of("orders-db Bound")), List.of(),
                drill, Duration.ofSeconds(10), dir).writeJson(file);

        JsonNode written = new ObjectMapper().readTree(Files.readString(file)).path("drill");
        assertThat(written.path("outcome").asText()).isEqualTo("passed");
        assertThat(written.path("failedStep").isNull()).isTrue();
        assertThat(written.path("rtoMillis").asLong()).isEqualTo(2_345);
        assertThat(written.path("rtoTargetSeconds").isNull()).isTrue();
        assertThat(written.path("checkOutcome").asText()).isEqualTo("succeeded");
        assertThat(written.path("checkMillis").asLong()).isEqualTo(410);
        assertThat(written.path("drillMillis").asLong()).isEqualTo(4_000);
        assertThat(written.path("cleanedUp").asBoolean()).isTrue();
        assertThat(written.path("objectsDuringCheck").path("PersistentVolumeClaim").asInt()).isEqualTo(2);
        assertThat(written.path("objectsAfter").path("Job").asInt()).isZero();
        assertThat(written.path("regionBSnapshots").asInt()).isEqualTo(2);
        assertThat(written.path("regionBSnapshotsKept").asInt()).isEqualTo(2);
        assertThat(RunReport.clean(drill)).isTrue();
    }

    @Test
    void aDrillThatLeftObjectsBehindOrLostASnapshotIsNotClean() {
        DrScenario.Drill left = new DrScenario.Drill("drill-1", "demo", "b-1", "passed", null, null, Duration.ofMillis(2_345), null,
                "succeeded", Duration.ofMillis(410), 1, true, null, Map.of(), Map.of("Job", 1), List.of("snap-a"), List.of(),
                Duration.ofSeconds(4));
        DrScenario.Drill lost = new DrScenario.Drill("drill-2", "demo", "b-1", "passed", null, null, Duration.ofMillis(2_345), null,
                "succeeded", Duration.ofMillis(410), 1, true, null, Map.of(), Map.of("Job", 0), List.of("snap-a"), List.of("snap-a"),
                Duration.ofSeconds(4));

        assertThat(RunReport.clean(left)).isFalse();
        assertThat(RunReport.clean(lost)).isFalse();
    }

    @Test
    void theLagBenchmarkSummarisesALastBackupAndItsRestoreFromTheJsonReport() {
        RunReport.JsonBackup backup = new RunReport.JsonBackup("b-2", "vhd-incremental", 9_870,
                new RunReport.JsonLagSplit(10_100, 500, 6_000, 3_400, 200), 600, 450, List.of(
                new RunReport.JsonVolume("a", 1L << 30, 20L << 20, 8L << 20, 7L << 20, 5_000, 3_000, "diff"),
                new RunReport.JsonVolume("b", 1L << 30, 20L << 20, null, 6L << 20, 4_000, 2_500, "diff")));

        String row = LagBench.row(backup, new RunReport.JsonRestore(1_750, List.of("a Bound", "b Bound")));

        // Changed per volume: 8 MiB, and for the volume export-service said nothing of, its 6 MiB moved.
        assertThat(row.split("\\s+")).containsExactly("2", "7.0", "MiB", "9.87", "s", "0.50", "s", "6.00", "s", "3.40", "s",
                "0.20", "s", "0.60", "s", "0.45", "s", "1.75", "s");
    }
}
