package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How a DR drill ended, as named in {@link DrillCompleted}. */
public enum DrillOutcome {

    /** The restore point was restored, every PVC became ready, the check (if any) succeeded and everything was cleaned up. */
    PASSED("passed"),
    /** A step of the drill failed: {@link DrillCompleted#failedStep()} says which. */
    FAILED("failed");

    private final String wireName;

    DrillOutcome(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static DrillOutcome fromWireName(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown drill outcome '" + name + "', expected passed or failed"));
    }
}
