package dev.ferry.restore;

import dev.ferry.support.api.Refused;
import java.util.List;

/** A restore request that cannot be carried out as asked; nothing was created for it. */
public final class RestoreRefused extends Refused {

    /** Why, in terms a REST answer (status, title) and a {@code step.failed} event (code) both use. */
    public enum Reason implements Refused.Reason {
        INVALID_REQUEST(400, "The restore request is invalid"),
        RESTORE_POINT_NOT_FOUND(404, "The restore point is not in the catalog"),
        RESTORE_NOT_FOUND(404, "The restore is not known"),
        RESTORE_POINT_INCOMPLETE(409, "The restore point misses volumes"),
        AMBIGUOUS_NAMESPACE(422, "The namespace is backed up from several clusters"),
        NAMESPACE_NOT_FOUND(422, "The target namespace does not exist"),
        STORAGE_CLASS_NOT_FOUND(422, "A storage class does not exist on the DR cluster"),
        PVC_CONFLICT(409, "A PVC of the restore exists already"),
        SNAPSHOT_MISSING(409, "A region-B snapshot of the restore point is gone"),
        RESTORE_ID_CONFLICT(409, "A different restore with this id exists"),
        /** The catalog, Azure or the DR cluster did not answer: the same request may succeed later. */
        DEPENDENCY_UNAVAILABLE(503, "The catalog, Azure or the DR cluster did not answer");

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

    public RestoreRefused(Reason reason, String message, List<String> details) {
        super(reason, message, details);
    }

    public RestoreRefused(Reason reason, String message) {
        this(reason, message, List.of());
    }

    @Override
    public Reason reason() {
        return (Reason) super.reason();
    }

    /** Whether the same request may succeed later. */
    public boolean retryable() {
        return reason() == Reason.DEPENDENCY_UNAVAILABLE;
    }
}
