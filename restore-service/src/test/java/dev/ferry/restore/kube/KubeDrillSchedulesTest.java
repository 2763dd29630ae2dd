package dev.ferry.restore.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.restore.drill.DrillSchedule;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeDrillSchedulesTest {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    @Test
    void aCompleteSpecIsAScheduleWithItsCheck() {
        DrillSchedule schedule = read(Map.of("sourceCluster", "aks-a", "namespace", "shop", "every", "168h", "check",
                Map.of("image", "registry.example/shop-check:2", "command", List.of("/check", "--all"), "timeout", "15m")));

        assertThat(schedule.valid()).isTrue();
        assertThat(schedule.application()).isEqualTo("aks-a/shop");
        assertThat(schedule.every()).isEqualTo(Duration.ofDays(7));
        assertThat(schedule.check().command()).containsExactly("/check", "--all");
        assertThat(schedule.check().timeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(schedule.suspend()).isFalse();
    }

    @Test
    void aCheckWithoutTimeoutGetsTheDefault() {
        DrillSchedule schedule = read(Map.of("sourceCluster", "aks-a", "namespace", "shop", "every", "24h", "suspend", true,
                "check", Map.of("image", "busybox:1.36")));

        assertThat(schedule.check().timeout()).isEqualTo(DEFAULT_TIMEOUT);
        assertThat(schedule.check().command()).isEmpty();
        assertThat(schedule.suspend()).isTrue();
    }

    @Test
    void everyWrongFieldIsAProblemAndTheScheduleStartsNothing() {
        DrillSchedule schedule = read(Map.of("sourceCluster", "Not A Cluster", "every", "5m", "suspend", "yes",
                "check", Map.of("command", "ls", "timeout", "2h")));

        assertThat(schedule.valid()).isFalse();
        assertThat(schedule.problems()).hasSize(7).anySatisfy(p -> assertThat(p).startsWith("sourceCluster"))
                .anySatisfy(p -> assertThat(p).startsWith("namespace")).anySatisfy(p -> assertThat(p).startsWith("every must be"))
                .anySatisfy(p -> assertThat(p).startsWith("suspend")).anySatisfy(p -> assertThat(p).startsWith("check.image"))
                .anySatisfy(p -> assertThat(p).startsWith("check.command")).anySatisfy(p -> assertThat(p).startsWith("check.timeout"));
        assertThat(schedule.check()).isNull();
    }

    private static DrillSchedule read(Map<String, Object> spec) {
        GenericKubernetesResource resource = new GenericKubernetesResourceBuilder().withApiVersion("ferry.dev/v1alpha1")
                .withKind("DrillSchedule").withNewMetadata().withName("shop-weekly").endMetadata()
                .withAdditionalProperties(Map.of("spec", spec)).build();
        return KubeDrillSchedules.schedule(resource, DEFAULT_TIMEOUT, MAX_TIMEOUT);
    }
}
