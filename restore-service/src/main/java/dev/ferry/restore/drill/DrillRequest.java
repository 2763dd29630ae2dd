package dev.ferry.restore.drill;

import dev.ferry.events.DrillTrigger;

/**
 * A drill to run: the newest complete restore point of an application (its source namespace, and the source cluster when
 * several back up a namespace of that name) restored into a scratch namespace, checked, measured and removed.
 *
 * @param schedule    the DrillSchedule that started it; null on demand
 * @param check       the application's check; null for none
 * @param requestedBy the authenticated caller, or {@code schedule}
 */
public record DrillRequest(String drillId, DrillTrigger trigger, String schedule, String sourceCluster, String namespace,
                           DrillCheckSpec check, String requestedBy) {
}
