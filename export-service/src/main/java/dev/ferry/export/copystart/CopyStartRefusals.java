package dev.ferry.export.copystart;

import dev.ferry.support.azure.AzureCallFailed;

/**
 * Which of Azure's refusals of a CopyStart mean "not now" rather than "never". Azure documents
 * the limits (one copy per disk at a time, 100 in progress per subscription and target region) but
 * no error code for them; they come as a 409 {@code OperationNotAllowed}, as any refused operation
 * does (local-cloud's README cites the pages), and throttling as a 429.
 */
final class CopyStartRefusals {

    static final String LIMIT_CODE = "OperationNotAllowed";

    private CopyStartRefusals() {
    }

    /** A limit that frees up as copies finish: the copy waits, and no other copy into the region is tried this tick. */
    static boolean limitReached(AzureCallFailed e) {
        return e.status() == 409 && LIMIT_CODE.equals(e.code());
    }

    /** The CopyStart's source does not exist (Azure answers the PUT with a 404): nothing to wait for. */
    static boolean sourceGone(AzureCallFailed e) {
        return e.status() == 404;
    }

    static boolean meansWait(AzureCallFailed e) {
        return e.status() == 429 || limitReached(e);
    }
}
