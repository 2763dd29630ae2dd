package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** The steps of a DR drill, in order, as named in {@link DrillCompleted#failedStep()}. */
public enum DrillStep {
    /** Choosing the newest complete restore point and checking the drill may run. */
    ADMIT,
    /** Creating the scratch namespace on the DR cluster. */
    NAMESPACE,
    /** Restoring the PVCs into it and waiting for them to be ready. */
    RESTORE,
    /** Running the application's check Job. */
    CHECK,
    /** Deleting everything the drill created. */
    CLEANUP;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static DrillStep fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown drill step '" + name + "'"));
    }
}
