package dev.ferry.snapshot;

import dev.ferry.support.api.Refused;
import java.time.Duration;
import java.util.List;

/**
 * A backup request that cannot be carried out as asked; nothing was created. Over REST it becomes a
 * problem+json answer with its reason's status, from Kafka a {@code step.failed} of step {@code intake}.
 */
public final class BackupRefused extends Refused {

    /** Why, as a stable code, with the HTTP status and title of the REST answer. */
    public enum Reason implements Refused.Reason {
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
        BACKUP_ID_CONFLICT,
        /**
         * A PVC's disk has had as many snapshots in the window as Azure allows
         * ({@code ferry.snapshot.rate-limit.*}): the same request succeeds once the oldest has left it.
         */
        SNAPSHOT_RATE_LIMITED;

        @Override
        public int status() {
            return switch (this) {
                case INVALID_REQUEST -> 400;
                case NAMESPACE_NOT_FOUND, PVC_NOT_FOUND, NO_MATCHING_PVC, NO_ELIGIBLE_PVC, TARGET_NOT_ALLOWED -> 422;
                case BACKUP_ID_CONFLICT -> 409;
                case SNAPSHOT_RATE_LIMITED -> 429;
            };
        }

        @Override
        public String title() {
            return switch (this) {
                case INVALID_REQUEST -> "The backup request is invalid";
                case NAMESPACE_NOT_FOUND -> "The namespace does not exist";
                case PVC_NOT_FOUND -> "A PVC named in the request does not exist";
                case NO_MATCHING_PVC -> "No PVC matches the request";
                case NO_ELIGIBLE_PVC -> "No PVC of the request can be backed up";
                case TARGET_NOT_ALLOWED -> "The DR target is missing or not allowed";
                case BACKUP_ID_CONFLICT -> "A different backup with this id exists";
                case SNAPSHOT_RATE_LIMITED -> "A PVC's disk has had as many snapshots as Azure allows for now";
            };
        }
    }

    public BackupRefused(Reason reason, String message, List<String> details) {
        super(reason, message, details);
    }

    public BackupRefused(Reason reason, String message) {
        this(reason, message, List.of());
    }

    /** A refusal that the same request will not get after {@code retryAfter}. */
    public BackupRefused(Reason reason, String message, List<String> details, Duration retryAfter) {
        super(reason, message, details, retryAfter);
    }

    @Override
    public Reason reason() {
        return (Reason) super.reason();
    }

    /** Whether the same request may succeed later without any change: only a rate limit's refusal. */
    public boolean retryable() {
        return reason() == Reason.SNAPSHOT_RATE_LIMITED;
    }

    /** The reason in the error-code style of {@code step.failed}, e.g. {@code NamespaceNotFound}, {@code PVCNotFound}. */
    @Override
    public String code() {
        return super.code().replace("Pvc", "PVC");
    }
}
