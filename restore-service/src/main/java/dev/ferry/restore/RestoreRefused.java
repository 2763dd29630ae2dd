package dev.ferry.restore;

import dev.ferry.support.api.Refused;
import java.util.List;

/** A restore request that cannot be carried out as asked; nothing was created for it. */
public final class RestoreRefused extends Refused {

    /** Why, in terms a REST answer (status, title) and a {@code step.failed} event (code) both use. */
    public enum Reason implements Refused.Reason {
        INVALID_REQUEST,
        RESTORE_POINT_NOT_FOUND,
        RESTORE_NOT_FOUND,
        RESTORE_POINT_INCOMPLETE,
        AMBIGUOUS_NAMESPACE,
        NAMESPACE_NOT_FOUND,
        STORAGE_CLASS_NOT_FOUND,
        PVC_CONFLICT,
        SNAPSHOT_MISSING,
        RESTORE_ID_CONFLICT,
        /** A restore requested by event into a namespace the configuration does not open to events. */
        NOT_ALLOWED,
        /** The catalog, Azure or the DR cluster did not answer: the same request may succeed later. */
        DEPENDENCY_UNAVAILABLE;

        @Override
        public int status() {
            return switch (this) {
                case INVALID_REQUEST -> 400;
                case NOT_ALLOWED -> 403;
                case RESTORE_POINT_NOT_FOUND, RESTORE_NOT_FOUND -> 404;
                case RESTORE_POINT_INCOMPLETE, PVC_CONFLICT, SNAPSHOT_MISSING, RESTORE_ID_CONFLICT -> 409;
                case AMBIGUOUS_NAMESPACE, NAMESPACE_NOT_FOUND, STORAGE_CLASS_NOT_FOUND -> 422;
                case DEPENDENCY_UNAVAILABLE -> 503;
            };
        }

        @Override
        public String title() {
            return switch (this) {
                case INVALID_REQUEST -> "The restore request is invalid";
                case RESTORE_POINT_NOT_FOUND -> "The restore point is not in the catalog";
                case RESTORE_NOT_FOUND -> "The restore is not known";
                case RESTORE_POINT_INCOMPLETE -> "The restore point misses volumes";
                case AMBIGUOUS_NAMESPACE -> "The namespace is backed up from several clusters";
                case NAMESPACE_NOT_FOUND -> "The target namespace does not exist";
                case STORAGE_CLASS_NOT_FOUND -> "A storage class does not exist on the DR cluster";
                case PVC_CONFLICT -> "A PVC of the restore exists already";
                case SNAPSHOT_MISSING -> "A region-B snapshot of the restore point is gone";
                case RESTORE_ID_CONFLICT -> "A different restore with this id exists";
                case NOT_ALLOWED -> "Restores by event are not allowed into this namespace";
                case DEPENDENCY_UNAVAILABLE -> "The catalog, Azure or the DR cluster did not answer";
            };
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
