package dev.ferry.restore.drill;

import java.time.Duration;
import java.util.List;

/**
 * A {@code ferry.dev/v1alpha1} DrillSchedule of the DR cluster (cluster-scoped): drill the application every {@code every},
 * with its check, unless suspended. A schedule whose spec is wrong has {@code problems} and starts nothing.
 *
 * @param check the application's check; null for none
 */
public record DrillSchedule(String name, String sourceCluster, String namespace, Duration every, DrillCheckSpec check,
                            boolean suspend, List<String> problems) {

    public DrillSchedule {
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    public String application() {
        return DrillRecord.application(sourceCluster, namespace);
    }
}
