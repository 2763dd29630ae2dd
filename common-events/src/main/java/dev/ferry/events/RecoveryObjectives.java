package dev.ferry.events;

import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;
import java.time.Duration;

/**
 * The recovery objectives a BackupPolicy states for its application, carried with each volume to region B so that
 * the DR side can hold the application's restore points and restores against them.
 *
 * @param rpoTargetSeconds how old the newest complete restore point may grow (the recovery point objective); absent if
 *                         the policy states none
 * @param rtoTargetSeconds how long a restore of the application may take (the recovery time objective); absent if none
 */
public record RecoveryObjectives(Long rpoTargetSeconds, Long rtoTargetSeconds) implements Validatable {

    /** The longest target the contract takes: a year. */
    public static final long MAX_SECONDS = 31_536_000L;

    /** The objectives of these durations, either absent; null when both are. */
    public static RecoveryObjectives of(Duration rpoTarget, Duration rtoTarget) {
        if (rpoTarget == null && rtoTarget == null) {
            return null;
        }
        return new RecoveryObjectives(rpoTarget == null ? null : rpoTarget.toSeconds(), rtoTarget == null ? null : rtoTarget.toSeconds());
    }

    @Override
    public void validate(Violations v) {
        if (rpoTargetSeconds == null && rtoTargetSeconds == null) {
            v.add("rpoTargetSeconds", "at least one of rpoTargetSeconds and rtoTargetSeconds must be given");
        }
        check(v, "rpoTargetSeconds", rpoTargetSeconds);
        check(v, "rtoTargetSeconds", rtoTargetSeconds);
    }

    private static void check(Violations v, String field, Long seconds) {
        if (seconds != null && (seconds < 1 || seconds > MAX_SECONDS)) {
            v.add(field, "must be from 1 to " + MAX_SECONDS + " seconds but is " + seconds);
        }
    }
}
