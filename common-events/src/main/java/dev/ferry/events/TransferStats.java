package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;
import java.time.Instant;
import java.util.Set;

/**
 * What moving one volume's data to region B cost.
 *
 * @param engine         {@code server-side}, {@code streaming} or {@code copy-start}
 * @param mode           {@code full} (every written range of the snapshot) or {@code diff} (only the ranges
 *                       changed since {@code baseSnapshotId}); {@code full} when absent, as events written
 *                       before the field existed are
 * @param baseSnapshotId the earlier snapshot of the same disk a {@code diff} started from; absent for {@code full}
 * @param bytesChanged   the bytes the transfer had to bring up to date: for {@code diff} the changed and cleared
 *                       bytes the page diff reported, for {@code full} the snapshot's written bytes; absent for
 *                       {@code copy-start}, whose bytes Azure moves and does not count
 * @param bytesMoved     the bytes Ferry copied; 0 for {@code copy-start}, whose bytes Azure copies itself
 * @param bytesTotal     the size of the source disk
 * @param fullCopyReason why an incremental strategy made a {@code full} copy ({@link #FULL_COPY_REASONS});
 *                       absent for a diff and for the {@code vhd-full} strategy
 */
public record TransferStats(
        String engine,
        String mode,
        ArmResourceId baseSnapshotId,
        Long bytesChanged,
        @JsonProperty(required = true) long bytesMoved,
        @JsonProperty(required = true) long bytesTotal,
        @JsonProperty(required = true) long durationMillis,
        Instant startedAt,
        Instant completedAt,
        String fullCopyReason) implements Validatable {

    /** The engine of the {@code copy-start} strategy: Azure's own copy. */
    public static final String ENGINE_COPY_START = "copy-start";
    public static final Set<String> ENGINES = Set.of("server-side", "streaming", ENGINE_COPY_START);
    public static final String MODE_FULL = "full";
    public static final String MODE_DIFF = "diff";
    public static final Set<String> MODES = Set.of(MODE_FULL, MODE_DIFF);
    /**
     * Why an incremental transfer fell back to a full copy: the first backup of the disk (no replica yet,
     * or no previous snapshot), a replica holding another snapshot than the new one's previous, a previous
     * snapshot that is gone or of another disk family, a disk resized since, or a source that is not an
     * incremental snapshot.
     */
    public static final Set<String> FULL_COPY_REASONS = Set.of("no-replica", "no-previous-snapshot",
            "generation-mismatch", "base-snapshot-gone", "base-in-other-family", "disk-resized", "source-not-incremental");

    /** The figures of a full copy made by the {@code vhd-full} strategy. */
    public static TransferStats full(String engine, long bytesWritten, long bytesMoved, long bytesTotal, long durationMillis,
                                     Instant startedAt, Instant completedAt) {
        return new TransferStats(engine, MODE_FULL, null, bytesWritten, bytesMoved, bytesTotal, durationMillis, startedAt,
                completedAt, null);
    }

    public TransferStats {
        mode = mode == null ? MODE_FULL : mode;
    }

    @Override
    public void validate(Violations v) {
        v.oneOf("engine", engine, ENGINES);
        v.oneOf("mode", mode, MODES);
        if (MODE_DIFF.equals(mode)) {
            v.resourceId("baseSnapshotId", baseSnapshotId, "Microsoft.Compute", "snapshots");
            if (!ENGINE_COPY_START.equals(engine)) {
                v.required("bytesChanged", bytesChanged);
            }
            if (fullCopyReason != null) {
                v.add("fullCopyReason", "must be absent when mode is diff");
            }
        } else if (MODE_FULL.equals(mode) && baseSnapshotId != null) {
            v.add("baseSnapshotId", "must be absent when mode is full");
        }
        if (bytesChanged != null) {
            v.notNegative("bytesChanged", bytesChanged);
        }
        if (fullCopyReason != null) {
            v.oneOf("fullCopyReason", fullCopyReason, FULL_COPY_REASONS);
        }
        v.notNegative("bytesMoved", bytesMoved);
        if (ENGINE_COPY_START.equals(engine) && bytesMoved != 0) {
            v.add("bytesMoved", "must be 0 for copy-start (Azure moves the bytes) but is " + bytesMoved);
        }
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
