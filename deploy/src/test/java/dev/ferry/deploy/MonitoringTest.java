package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring renders to a ServiceMonitor of the four services' management port, alerts that each say how bad and
 * what happened, and a Grafana dashboard whose every panel asks Prometheus something. That the metrics they name are
 * served is DisasterRecoveryIT's to check, against the running services.
 */
class MonitoringTest {

    private static final String MONITORING = "monitoring";

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
                "FerryStepsFailing", "FerryCopiesQueued", "FerryDeadLetters");
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

    private static GenericKubernetesResource only(String kind) {
        List<HasMetadata> objects = Targets.objects(MONITORING);
        return objects.stream().filter(o -> o.getKind().equals(kind)).map(GenericKubernetesResource.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " in deploy/monitoring"));
    }
}
