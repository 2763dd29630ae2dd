package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;

/**
 * The application's check Job that a DR drill ran against the restored PVCs.
 *
 * @param jobName        the Job's name in the scratch namespace
 * @param durationMillis from the Job's creation to its end (or to the timeout)
 */
public record DrillCheck(
        String jobName,
        DrillCheckOutcome outcome,
        @JsonProperty(required = true) long durationMillis) implements Validatable {

    @Override
    public void validate(Violations v) {
        v.dnsSubdomain("jobName", jobName);
        v.required("outcome", outcome);
        v.notNegative("durationMillis", durationMillis);
    }
}
