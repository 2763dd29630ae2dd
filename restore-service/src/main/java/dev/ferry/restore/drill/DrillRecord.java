package dev.ferry.restore.drill;

import dev.ferry.events.DrillCompleted;

/**
 * A finished drill as it is kept in region B beside the catalog: its result as the event reported it, and who or what
 * started it.
 *
 * @param schedule the DrillSchedule that started it; null on demand
 */
public record DrillRecord(DrillCompleted result, String requestedBy, String schedule) {

    /** {@code <source cluster>/<namespace>}: the application a drill proves. */
    public String application() {
        return application(result.sourceCluster(), result.sourceNamespace());
    }

    public static String application(String sourceCluster, String namespace) {
        return sourceCluster + "/" + namespace;
    }
}
