package dev.ferry.export.copystart;

import dev.ferry.support.azure.AzureCallFailed;
import java.util.Set;

/**
 * Which of Azure's refusals of a CopyStart mean "not now" (a limit that frees up as copies finish)
 * rather than "never"; local-cloud's README cites where each code is documented.
 */
final class CopyStartRefusals {

    /** Too many copies in progress for the subscription and the target region. */
    static final Set<String> REGION_FULL = Set.of("TooManyConcurrentCopies", "ConcurrentCopyLimitExceeded");
    /** Another copy of the same disk is running (one per disk at a time). */
    static final Set<String> DISK_BUSY = Set.of("OperationNotAllowed");

    private CopyStartRefusals() {
    }

    static boolean regionFull(AzureCallFailed e) {
        return REGION_FULL.contains(e.code());
    }

    static boolean meansWait(AzureCallFailed e) {
        return e.status() == 429 || regionFull(e) || (e.status() == 409 && DISK_BUSY.contains(e.code()));
    }
}
