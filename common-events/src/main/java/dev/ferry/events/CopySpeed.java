package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * How fast Azure copies a snapshot to region B in the {@code copy-start} strategy: its
 * {@code provisionedBandwidthCopySpeed}, {@code None} (standard) or {@code Enhanced}, which Azure
 * bills extra for.
 */
public enum CopySpeed {

    STANDARD("standard"),
    ENHANCED("enhanced");

    private final String wireName;

    CopySpeed(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static CopySpeed fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown copy speed '" + name + "', expected standard or enhanced"));
    }
}
