package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;
import java.time.Instant;
import java.util.Set;

/**
 * What moving one volume's data to region B cost.
 *
 * @param engine     {@code server-side}, {@code streaming} or {@code copy-start}
 * @param bytesMoved the bytes actually copied (written ranges only)
 * @param bytesTotal the size of the source disk
 */
public record TransferStats(
        String engine,
        @JsonProperty(required = true) long bytesMoved,
        @JsonProperty(required = true) long bytesTotal,
        @JsonProperty(required = true) long durationMillis,
        Instant startedAt,
        Instant completedAt) implements Validatable {

    public static final Set<String> ENGINES = Set.of("server-side", "streaming", "copy-start");

    @Override
    public void validate(Violations v) {
        v.oneOf("engine", engine, ENGINES);
        v.notNegative("bytesMoved", bytesMoved);
        v.positive("bytesTotal", bytesTotal);
        if (bytesMoved > bytesTotal) {
            v.add("bytesMoved", "must not exceed bytesTotal (" + bytesTotal + ") but is " + bytesMoved);
        }
        v.notNegative("durationMillis", durationMillis);
        v.required("startedAt", startedAt);
        if (v.required("completedAt", completedAt) && startedAt != null && completedAt.isBefore(startedAt)) {
            v.add("completedAt", "must not be before startedAt");
        }
    }
}
