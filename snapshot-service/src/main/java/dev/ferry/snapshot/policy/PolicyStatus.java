package dev.ferry.snapshot.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A BackupPolicy's status: what the service last did with it. {@code lastScheduleTime} is the
 * durable record that keeps a restarted service from running the same fire time again.
 *
 * @param lastScheduleTime the fire time of the newest run the policy started (or tried to start)
 * @param nextScheduleTime the next fire time, for the operator's eyes only
 */
public record PolicyStatus(Long observedGeneration, Instant lastScheduleTime, String lastBackupId, Instant nextScheduleTime,
                           List<PolicyCondition> conditions) {

    public static final PolicyStatus EMPTY = new PolicyStatus(null, null, null, null, List.of());

    public PolicyStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public PolicyCondition condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
    }

    /** This status with the condition set; its transition time stays if its status did not change. */
    public PolicyStatus with(PolicyCondition condition) {
        List<PolicyCondition> next = new ArrayList<>();
        boolean replaced = false;
        for (PolicyCondition existing : conditions) {
            if (existing.type().equals(condition.type())) {
                Instant transition = existing.status().equals(condition.status()) && existing.lastTransitionTime() != null
                        ? existing.lastTransitionTime() : condition.lastTransitionTime();
                next.add(new PolicyCondition(condition.type(), condition.status(), condition.reason(), condition.message(), transition,
                        condition.observedGeneration()));
                replaced = true;
            } else {
                next.add(existing);
            }
        }
        if (!replaced) {
            next.add(condition);
        }
        return new PolicyStatus(observedGeneration, lastScheduleTime, lastBackupId, nextScheduleTime, next);
    }

    public PolicyStatus withGeneration(Long generation) {
        return new PolicyStatus(generation, lastScheduleTime, lastBackupId, nextScheduleTime, conditions);
    }

    public PolicyStatus withRun(Instant scheduleTime, String backupId) {
        return new PolicyStatus(observedGeneration, scheduleTime, backupId == null ? lastBackupId : backupId, nextScheduleTime,
                conditions);
    }

    public PolicyStatus withNext(Instant next) {
        return new PolicyStatus(observedGeneration, lastScheduleTime, lastBackupId, next, conditions);
    }

    /** Whether writing this over {@code other} would change anything but transition times. */
    public boolean sameAs(PolicyStatus other) {
        if (other == null || !Objects.equals(observedGeneration, other.observedGeneration)
                || !Objects.equals(lastScheduleTime, other.lastScheduleTime) || !Objects.equals(lastBackupId, other.lastBackupId)
                || !Objects.equals(nextScheduleTime, other.nextScheduleTime) || conditions.size() != other.conditions.size()) {
            return false;
        }
        return conditions.stream().allMatch(c -> c.sameAs(other.condition(c.type())));
    }
}
