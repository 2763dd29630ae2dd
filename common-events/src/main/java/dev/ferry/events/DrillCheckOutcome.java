package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How a drill's check Job ended, as named in {@link DrillCheck}. */
public enum DrillCheckOutcome {

    SUCCEEDED("succeeded"),
    FAILED("failed"),
    /** The Job had not finished within the drill's check timeout. */
    TIMED_OUT("timed-out");

    private final String wireName;

    DrillCheckOutcome(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static DrillCheckOutcome fromWireName(String name) {
        return Arrays.stream(values()).filter(o -> o.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown check outcome '" + name
                        + "', expected one of succeeded, failed, timed-out"));
    }
}
