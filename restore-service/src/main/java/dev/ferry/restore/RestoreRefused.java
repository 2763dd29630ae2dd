package dev.ferry.restore;

import java.util.List;

/** A restore request that cannot be carried out as asked; nothing was created for it. */
public final class RestoreRefused extends RuntimeException {

    /** Why, in terms a REST answer and a {@code step.failed} event both use. */
    public enum Reason {
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
        /** The catalog, Azure or the DR cluster did not answer: the same request may succeed later. */
        DEPENDENCY_UNAVAILABLE
    }

    private final Reason reason;
    private final List<String> details;

    public RestoreRefused(Reason reason, String message, List<String> details) {
        super(message);
        this.reason = reason;
        this.details = List.copyOf(details);
    }

    public RestoreRefused(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the same request may succeed later. */
    public boolean retryable() {
        return reason == Reason.DEPENDENCY_UNAVAILABLE;
    }

    /** Each thing that is wrong, when there are several. */
    public List<String> details() {
        return details;
    }

    /** The reason as an error code: {@code RestorePointNotFound}. */
    public String code() {
        StringBuilder code = new StringBuilder();
        for (String word : reason.name().split("_")) {
            code.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return code.toString();
    }
}
