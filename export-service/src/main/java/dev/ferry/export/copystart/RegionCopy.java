package dev.ferry.export.copystart;

import dev.ferry.events.arm.ArmResourceId;
import java.time.Instant;
import java.util.Map;

/**
 * A region-B snapshot as Azure reports it, with what a CopyStart adds: the snapshot it copies, its
 * progress and, when it failed, Azure's reason.
 *
 * @param createOption      {@code CopyStart} for Azure's cross-region copy; anything else is not a copy
 * @param sourceSnapshotId  the snapshot copied (the CopyStart's {@code sourceResourceId}), or null
 * @param completionPercent 0-100; 100 for a snapshot that was never copied
 * @param errorCode         {@code copyCompletionError.errorCode}, e.g. {@code CopySourceNotFound}; null while all is well
 */
public record RegionCopy(ArmResourceId id, String region, String createOption, String sourceSnapshotId,
                         double completionPercent, String provisioningState, String errorCode, String errorMessage,
                         long sizeBytes, Map<String, String> tags, Instant timeCreated) {

    public boolean isCopyStart() {
        return "CopyStart".equalsIgnoreCase(createOption);
    }

    /** A CopyStart that has neither finished nor failed: it counts against Azure's limits. */
    public boolean inProgress() {
        return isCopyStart() && errorCode == null && !complete();
    }

    /** The copy is done and the snapshot usable. */
    public boolean complete() {
        return errorCode == null && completionPercent >= 100 && "Succeeded".equalsIgnoreCase(provisioningState);
    }

    public boolean failed() {
        return errorCode != null || "Failed".equalsIgnoreCase(provisioningState);
    }
}
