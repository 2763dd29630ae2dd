package dev.ferry.export.copystart;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.MalformedResourceIdException;
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

    /**
     * Whether this is a copy of the given snapshot. Compared as Azure means ids, without case: Compute writes
     * {@code sourceResourceId} with the resource group in capitals, whatever casing the copy was asked in.
     */
    public boolean copies(ArmResourceId snapshot) {
        if (sourceSnapshotId == null || snapshot == null) {
            return false;
        }
        try {
            return snapshot.equals(ArmResourceId.parse(sourceSnapshotId));
        } catch (MalformedResourceIdException e) {
            return false;
        }
    }

    public boolean failed() {
        return errorCode != null || "Failed".equalsIgnoreCase(provisioningState);
    }
}
