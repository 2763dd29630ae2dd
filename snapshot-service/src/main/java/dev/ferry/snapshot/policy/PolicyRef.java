package dev.ferry.snapshot.policy;

/** Which BackupPolicy: its namespace and name, and the uid that tells a re-created one apart. */
public record PolicyRef(String namespace, String name, String uid) {

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
