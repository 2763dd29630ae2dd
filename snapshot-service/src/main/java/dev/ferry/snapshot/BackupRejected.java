package dev.ferry.snapshot;

import java.util.List;

/**
 * A backup request that cannot be carried out as asked; nothing was created. Over REST it becomes a
 * problem+json answer, from Kafka a {@code step.failed} of step {@code intake}.
 */
public final class BackupRejected extends RuntimeException {

    /** Why, as a stable code; the REST layer maps each to a status. */
    public enum Reason {
        /** The request breaks the contract: a missing field, a name that is not DNS-1123, a bad selector. */
        INVALID_REQUEST,
        NAMESPACE_NOT_FOUND,
        /** Some of the PVCs named do not exist. */
        PVC_NOT_FOUND,
        /** No PVC matches the selector (or the namespace has none). */
        NO_MATCHING_PVC,
        /** PVCs match, but none is a Bound Azure-disk CSI volume. */
        NO_ELIGIBLE_PVC,
        /** The request names no DR target and none is configured, or names one that is not allowed. */
        TARGET_NOT_ALLOWED,
        /** A backup with this id exists and asked for something else. */
        BACKUP_ID_CONFLICT
    }

    private final Reason reason;
    private final List<String> details;

    public BackupRejected(Reason reason, String message, List<String> details) {
        super(message);
        this.reason = reason;
        this.details = List.copyOf(details);
    }

    public BackupRejected(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public Reason reason() {
        return reason;
    }

    /** Each thing that is wrong, e.g. one line per invalid field or per skipped PVC. */
    public List<String> details() {
        return details;
    }

    /** The reason in the error-code style of {@code step.failed}, e.g. {@code NamespaceNotFound}. */
    public String code() {
        StringBuilder code = new StringBuilder();
        for (String part : reason.name().toLowerCase(java.util.Locale.ROOT).split("_")) {
            code.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return code.toString().replace("Pvc", "PVC");
    }
}
