package dev.ferry.snapshot.policy;

/** Which BackupPolicy: its namespace and name, and the uid that tells a re-created one apart. */
public record PolicyRef(String namespace, String name, String uid) {

    /** {@code <namespace>/<name>}: how the policy's VolumeSnapshots name it ({@code ferry.dev/policy-ref}). */
    public String key() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
