package dev.ferry.export;

import dev.ferry.events.TransferStats;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.transfer.CopyEngineKind;
import java.time.Duration;
import java.time.Instant;

/**
 * What an export did, for the {@code VhdExported} event, metrics and logs.
 *
 * @param delta         whether all written data moved or only the changes since an earlier snapshot
 * @param vhdUrl        the staging blob's URL, without a query
 * @param blob          whether the staging blob was made now or found from an earlier attempt
 * @param bytesMoved    bytes written to the staging blob by this run (the footer not counted)
 * @param bytesRead     bytes this process read from the source (0 for the server-side engine)
 * @param bytesTotal    the disk's size
 * @param bytesWritten  the source's written bytes: what a sparse-aware copy has to move at least
 * @param chunksCopied  chunks written by this run
 * @param chunksSkipped chunks an earlier attempt had already written
 * @param bytesSkipped  the bytes of those chunks
 * @param retries       storage calls retried
 * @param footer        what was done about the VHD footer
 */
public record ExportOutcome(TransferStrategy strategy, CopyEngineKind engine, Delta delta, String vhdUrl, StagingBlobName blobName,
                            StagingBlob.Creation blob, long bytesMoved, long bytesRead, long bytesTotal,
                            long bytesWritten, int chunksCopied, int chunksSkipped, long bytesSkipped, int retries,
                            FooterAction footer, Instant startedAt, Instant completedAt) {

    /**
     * Full copy or diff.
     *
     * @param mode           {@code full} or {@code diff} (the wire names of {@code TransferStats})
     * @param baseSnapshotId the snapshot a diff started from
     * @param bytesChanged   the changed and cleared bytes of a diff; a full copy's written bytes
     * @param fullCopyReason why an incremental transfer copied all, or null
     */
    public record Delta(String mode, ArmResourceId baseSnapshotId, long bytesChanged, String fullCopyReason) {

        public static Delta full(long bytesWritten, String reason) {
            return new Delta(TransferStats.MODE_FULL, null, bytesWritten, reason);
        }

        public static Delta diff(ArmResourceId base, long bytesChanged) {
            return new Delta(TransferStats.MODE_DIFF, base, bytesChanged, null);
        }
    }

    /** How the blob came to end with a valid fixed-VHD footer. */
    public enum FooterAction {
        /** An earlier attempt had written it. */
        ALREADY_PRESENT,
        /** The source served a valid footer (a managed disk's SAS does); it was copied. */
        COPIED_FROM_SOURCE,
        /** The source's last 512 bytes were no valid footer; Ferry wrote its own. */
        WRITTEN
    }

    public Duration duration() {
        return Duration.between(startedAt, completedAt);
    }
}
