package dev.ferry.snapshot.policy;

import java.time.Instant;

/**
 * A condition in a BackupPolicy's status, as Kubernetes conditions read.
 *
 * @param status {@code True}, {@code False} or {@code Unknown}
 */
public record PolicyCondition(String type, String status, String reason, String message, Instant lastTransitionTime,
                              Long observedGeneration) {

    /** {@code Ready}: whether the spec can be carried out (reason {@code Valid} or {@code InvalidSpec}). */
    public static final String READY = "Ready";
    /** {@code Scheduled}: how the newest run was started (reason {@code BackupStarted}, or why it was refused). */
    public static final String SCHEDULED = "Scheduled";

    /** Whether this says the same as another, leaving the transition time aside. */
    public boolean sameAs(PolicyCondition other) {
        return other != null && type.equals(other.type) && status.equals(other.status)
                && java.util.Objects.equals(reason, other.reason) && java.util.Objects.equals(message, other.message)
                && java.util.Objects.equals(observedGeneration, other.observedGeneration);
    }
}
