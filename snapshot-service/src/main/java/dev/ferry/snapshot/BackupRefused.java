package dev.ferry.snapshot;

import dev.ferry.support.api.Refused;
import java.util.List;

/**
 * A backup request that cannot be carried out as asked; nothing was created. Over REST it becomes a
 * problem+json answer with its reason's status, from Kafka a {@code step.failed} of step {@code intake}.
 */
public final class BackupRefused extends Refused {

    /** Why, as a stable code, with the HTTP status and title of the REST answer. */
    public enum Reason implements Refused.Reason {
        /** The request breaks the contract: a missing field, a name that is not DNS-1123, a bad selector. */
        INVALID_REQUEST(400, "The backup request is invalid"),
        NAMESPACE_NOT_FOUND(422, "The namespace does not exist"),
        /** Some of the PVCs named do not exist. */
        PVC_NOT_FOUND(422, "A PVC named in the request does not exist"),
        /** No PVC matches the selector (or the namespace has none). */
        NO_MATCHING_PVC(422, "No PVC matches the request"),
        /** PVCs match, but none is a Bound Azure-disk CSI volume. */
        NO_ELIGIBLE_PVC(422, "No PVC of the request can be backed up"),
        /** The request names no DR target and none is configured, or names one that is not allowed. */
        TARGET_NOT_ALLOWED(422, "The DR target is missing or not allowed"),
        /** A backup with this id exists and asked for something else. */
        BACKUP_ID_CONFLICT(409, "A different backup with this id exists");

        private final int status;
        private final String title;

        Reason(int status, String title) {
            this.status = status;
            this.title = title;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public String title() {
            return title;
        }
    }

    public BackupRefused(Reason reason, String message, List<String> details) {
        super(reason, message, details);
    }

    public BackupRefused(Reason reason, String message) {
        this(reason, message, List.of());
    }

    @Override
    public Reason reason() {
        return (Reason) super.reason();
    }

    /** The reason in the error-code style of {@code step.failed}, e.g. {@code NamespaceNotFound}, {@code PVCNotFound}. */
    @Override
    public String code() {
        return super.code().replace("Pvc", "PVC");
    }
}
