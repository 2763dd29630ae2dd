package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring renders to a ServiceMonitor of the four services' management port, alerts that each say how bad and
 * what happened, and a Grafana dashboard whose every panel asks Prometheus something. The drill alerts pass promtool's
 * unit tests (monitoring/tests). That the metrics they name are served is DisasterRecoveryIT's to check, against the
 * running services.
 */
class MonitoringTest {

    private static final String MONITORING = "monitoring";
    /** The promtool binary: {@code $PROMTOOL} if set, else {@code promtool} on the PATH (install-promtool.sh installs it). */
    private static final String PROMTOOL = System.getenv().getOrDefault("PROMTOOL", "promtool");

    @Test
    void theServiceMonitorScrapesEveryServicesManagementPortKeepingTheApplicationsNamespaceLabel() {
        GenericKubernetesResource monitor = only("ServiceMonitor");
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(endpoint -> {
            assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/q/metrics").containsEntry("honorLabels", true);
        });
        List<Map<String, Object>> expressions = monitor.get("spec", "selector", "matchExpressions");
        assertThat(expressions.get(0).get("values")).asList()
                .containsExactlyInAnyOrder("snapshot-service", "export-service", "import-service", "restore-service");
    }

    @Test
    void everyAlertHasASeverityASummaryAndAnExpressionOnFerrysMetrics() {
        List<Map<String, Object>> groups = only("PrometheusRule").get("spec", "groups");
        List<Map<String, Object>> rules = groups.stream().flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream()).toList();
        assertThat(rules).extracting(r -> r.get("alert")).contains("FerryRpoTargetBreached", "FerryNoCompleteRestorePoint",
                "FerryStepsFailing", "FerryCopiesQueued", "FerryDeadLetters", "FerryDrillFailed", "FerryDrillOverdue",
                "FerryDrillSlowerThanRtoTarget", "FerryDrillLeftovers");
        assertThat(rules).allSatisfy(rule -> {
            assertThat((String) rule.get("expr")).as("%s", rule.get("alert")).contains("ferry_");
            assertThat((Map<String, Object>) rule.get("labels")).as("%s", rule.get("alert")).containsKey("severity");
            assertThat(((Map<String, Object>) rule.get("labels")).get("severity")).isIn("warning", "critical");
            assertThat((Map<String, Object>) rule.get("annotations")).as("%s", rule.get("alert")).containsKey("summary");
        });
    }

    @Test
    void theDashboardIsGrafanaJsonWhoseEveryPanelQueriesFerrysMetrics() throws Exception {
        ConfigMap map = Targets.objects(MONITORING, ConfigMap.class).stream().findFirst().orElseThrow();
        assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("ferry.json"));
        assertThat(dashboard.path("uid").asText()).isEqualTo("ferry-dr");
        assertThat(dashboard.path("panels")).isNotEmpty().allSatisfy(panel -> {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            panel.path("targets").forEach(target -> assertThat(target.path("expr").asText()).contains("ferry_"));
        });
    }

    /**
     * promtool accepts the rules (as Prometheus would load them) and its unit tests of the drill alerts pass: a failed last
     * drill, a scheduled application whose last pass is older than 1.5 intervals or that never passed (its timestamp NaN),
     * and none for applications without a schedule or with a suspended one; a drill slower than the RTO target, none
     * without a target; leftovers only after 30 minutes.
     */
    @Test
    void theDrillAlertsPassPromtoolsUnitTests() throws Exception {
        Path dir = Files.createDirectories(Targets.deployDir().resolve("target/promtool"));
        List<Map<String, Object>> groups = only("PrometheusRule").get("spec", "groups");
        new ObjectMapper(new YAMLFactory()).writeValue(dir.resolve("rules.yaml").toFile(), Map.of("groups", groups));
        Files.copy(Targets.deployDir().resolve("monitoring/tests/drills.test.yaml"), dir.resolve("drills.test.yaml"),
                StandardCopyOption.REPLACE_EXISTING);

        assertThat(promtool(dir, "check", "rules", "rules.yaml")).contains("SUCCESS");
        assertThat(promtool(dir, "test", "rules", "drills.test.yaml")).contains("SUCCESS");
    }

    @Test
    void theDashboardShowsEachApplicationsDrills() throws Exception {
        ConfigMap map = Targets.objects(MONITORING, ConfigMap.class).stream().findFirst().orElseThrow();
        List<String> exprs = new java.util.ArrayList<>();
        new ObjectMapper().readTree(map.getData().get("ferry.json")).path("panels")
                .forEach(panel -> panel.path("targets").forEach(target -> exprs.add(target.path("expr").asText())));

        assertThat(exprs).contains("ferry_drill_last_rto_seconds", "ferry_drill_last_outcome",
                "time() - ferry_drill_last_success_timestamp_seconds", "ferry_drill_leftover_objects");
        assertThat(exprs).anyMatch(e -> e.contains("ferry_drills_total"));
    }

    /** promtool's output; fails with it when promtool fails. */
    private static String promtool(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("This test needs promtool (Debian's prometheus package; the build installs it when it"
                    + " runs as root), or its path in $PROMTOOL. Could not run '" + PROMTOOL + "': " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish in 60 s");
        }
        assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
        return output;
    }

    private static GenericKubernetesResource only(String kind) {
        List<HasMetadata> objects = Targets.objects(MONITORING);
        return objects.stream().filter(o -> o.getKind().equals(kind)).map(GenericKubernetesResource.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " in deploy/monitoring"));
    }
}
