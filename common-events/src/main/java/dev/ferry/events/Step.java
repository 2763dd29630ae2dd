package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** The steps of Ferry's pipeline, as named in {@link StepFailed}. */
public enum Step {
    /** Accepting an incoming request or event (validation, allow-lists). */
    INTAKE,
    SNAPSHOT,
    EXPORT,
    IMPORT,
    CATALOG,
    RESTORE,
    RETENTION;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Step fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown step '" + name + "'"));
    }
}
