package dev.ferry.snapshot.policy;

import java.util.List;
import java.util.Optional;

/** The BackupPolicies of the source cluster: the verbs the scheduler needs, nothing more. */
public interface BackupPolicies {

    /** Every policy as last seen; empty while the BackupPolicy resource type is not served (CRD not installed). */
    List<BackupPolicy> list();

    Optional<BackupPolicy> find(String namespace, String name);

    /**
     * Replaces the policy's status (the status subresource), unless the policy is gone or was
     * re-created under another uid.
     *
     * @return whether the status was written
     */
    boolean writeStatus(PolicyRef policy, PolicyStatus status);
}
