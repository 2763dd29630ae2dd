package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Violations;
import java.time.Instant;

/**
 * A DR drill ended, passed or failed: restore-service restored an application's newest complete restore point into a
 * scratch namespace on the DR cluster, waited for its PVCs, ran its check Job if it has one, and deleted what it made.
 *
 * @param restorePointId   the restore point drilled; absent when none could be used (failed at {@code admit})
 * @param scratchNamespace the namespace the drill restored into; absent when it failed before choosing one ({@code admit})
 * @param failedStep       the step that failed; only when the outcome is failed
 * @param errorCode        a short machine-readable cause such as {@code BindTimeout}; only when failed
 * @param error            a human-readable reason; only when failed; never contains a secret
 * @param recoveryPointAt  when the restored data was snapshotted in region A; given with the restore point
 * @param rtoMillis        from the drill's start to every PVC ready (the measured recovery time); given when passed
 * @param rtoTargetSeconds the RTO target the restore point's policy states, if any
 * @param check            the application's check Job, when the drill has one and it ran
 * @param volumes          the PVCs restored; 0 when the restore never started
 * @param cleanedUp        whether everything the drill created was deleted
 */
public record DrillCompleted(
        @JsonProperty(required = true) int schemaVersion,
        String drillId,
        String correlationId,
        DrillTrigger trigger,
        String sourceCluster,
        String sourceNamespace,
        String restorePointId,
        String scratchNamespace,
        DrillOutcome outcome,
        DrillStep failedStep,
        String errorCode,
        String error,
        Instant recoveryPointAt,
        Long rtoMillis,
        Long rtoTargetSeconds,
        DrillCheck check,
        @JsonProperty(required = true) int volumes,
        @JsonProperty(required = true) boolean cleanedUp,
        Instant startedAt,
        Instant completedAt) implements FerryEvent {

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        v.dnsLabel("drillId", drillId);
        v.required("trigger", trigger);
        v.dnsSubdomain("sourceCluster", sourceCluster);
        v.dnsLabel("sourceNamespace", sourceNamespace);
        boolean failedAtAdmit = outcome == DrillOutcome.FAILED && failedStep == DrillStep.ADMIT;
        if (restorePointId != null) {
            v.dnsLabel("restorePointId", restorePointId);
            v.required("recoveryPointAt", recoveryPointAt);
        } else if (!failedAtAdmit) {
            v.add("restorePointId", "is required unless the drill failed at admit");
        }
        if (scratchNamespace != null) {
            v.dnsLabel("scratchNamespace", scratchNamespace);
        } else if (!failedAtAdmit) {
            v.add("scratchNamespace", "is required unless the drill failed at admit");
        }
        if (v.required("outcome", outcome)) {
            validateOutcome(v);
        }
        if (rtoMillis != null) {
            v.notNegative("rtoMillis", rtoMillis);
        }
        if (rtoTargetSeconds != null && (rtoTargetSeconds < 1 || rtoTargetSeconds > RecoveryObjectives.MAX_SECONDS)) {
            v.add("rtoTargetSeconds", "must be from 1 to " + RecoveryObjectives.MAX_SECONDS + " seconds but is " + rtoTargetSeconds);
        }
        v.optionalPart("check", check);
        v.notNegative("volumes", volumes);
        v.required("startedAt", startedAt);
        if (v.required("completedAt", completedAt) && startedAt != null && completedAt.isBefore(startedAt)) {
            v.add("completedAt", "must not be before startedAt");
        }
    }

    /** A passed drill names no failure, measured its RTO and left nothing behind; a failed one says where and why. */
    private void validateOutcome(Violations v) {
        if (outcome == DrillOutcome.PASSED) {
            absentWhenPassed(v, "failedStep", failedStep);
            absentWhenPassed(v, "errorCode", errorCode);
            absentWhenPassed(v, "error", error);
            if (rtoMillis == null) {
                v.add("rtoMillis", "is required when the drill passed");
            }
            if (!cleanedUp) {
                v.add("cleanedUp", "must be true when the drill passed");
            }
        } else {
            v.required("failedStep", failedStep);
            v.text("errorCode", errorCode);
            v.text("error", error);
        }
    }

    private static void absentWhenPassed(Violations v, String field, Object value) {
        if (value != null) {
            v.add(field, "must be absent when the drill passed");
        }
    }

    @Override
    public String kafkaKey() {
        return drillId;
    }

    @Override
    public String subject() {
        return sourceNamespace;
    }
}
