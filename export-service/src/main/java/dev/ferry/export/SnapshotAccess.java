package dev.ferry.export;

import dev.ferry.events.arm.ArmResourceId;
import java.time.Duration;

/**
 * Read access to a managed snapshot's data (DiskRP's GrantAccess / RevokeAccess). Both verbs are
 * idempotent: granting again while a grant is open may return the open one, revoking what is not
 * granted (or a snapshot that is gone) is success.
 */
public interface SnapshotAccess {

    /** Grants read access for {@code duration} and returns the SAS; waits for the long-running operation. */
    SasUrl grantRead(ArmResourceId snapshotId, Duration duration);

    /** Ends every grant on the snapshot; waits for the long-running operation. */
    void revoke(ArmResourceId snapshotId);
}
