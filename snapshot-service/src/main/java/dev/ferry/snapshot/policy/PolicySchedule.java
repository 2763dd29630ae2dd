package dev.ferry.snapshot.policy;

import java.time.Instant;
import java.util.Optional;

/**
 * When a policy is due, the way a Kubernetes CronJob decides it: the schedule's newest fire time
 * that is after the policy's last run (or, if it never ran, after its creation). However many fire
 * times were missed, one run is due, for the newest of them: missed runs coalesce, never burst.
 */
public final class PolicySchedule {

    private PolicySchedule() {
    }

    /**
     * The fire time to run now, if any.
     *
     * @param lastScheduleTime the fire time of the policy's last run, or null if it never ran
     * @param createdAt        when the policy was created; fire times at or before it never count
     */
    public static Optional<Instant> dueSlot(CronSchedule schedule, Instant lastScheduleTime, Instant createdAt, Instant now) {
        Instant after = lastScheduleTime != null ? lastScheduleTime : createdAt;
        return schedule.lastFireAtOrBefore(now).filter(slot -> after == null || slot.isAfter(after));
    }
}
