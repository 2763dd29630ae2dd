package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What started a DR drill, as named in {@link DrillCompleted}. */
public enum DrillTrigger {

    /** A person or another system asked for it. */
    ON_DEMAND("on-demand"),
    /** The application's drill schedule. */
    SCHEDULED("scheduled");

    private final String wireName;

    DrillTrigger(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static DrillTrigger fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown drill trigger '" + name + "', expected on-demand or scheduled"));
    }
}
