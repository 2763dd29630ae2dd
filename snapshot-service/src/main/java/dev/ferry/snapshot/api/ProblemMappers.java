package dev.ferry.snapshot.api;

import dev.ferry.snapshot.BackupRejected;
import dev.ferry.support.api.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns a refused backup into RFC 9457 problem+json; service-support's mappers answer every other error. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response rejected(BackupRejected e, UriInfo uri) {
        return Problem.of(slug(e.reason()), title(e.reason()), status(e.reason()), e.getMessage(), uri.getPath(),
                e.details()).response();
    }

    static int status(BackupRejected.Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST -> 400;
            case BACKUP_ID_CONFLICT -> 409;
            case NAMESPACE_NOT_FOUND, PVC_NOT_FOUND, NO_MATCHING_PVC, NO_ELIGIBLE_PVC, TARGET_NOT_ALLOWED -> 422;
        };
    }

    private static String slug(BackupRejected.Reason reason) {
        return reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String title(BackupRejected.Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST -> "The backup request is invalid";
            case NAMESPACE_NOT_FOUND -> "The namespace does not exist";
            case PVC_NOT_FOUND -> "A PVC named in the request does not exist";
            case NO_MATCHING_PVC -> "No PVC matches the request";
            case NO_ELIGIBLE_PVC -> "No PVC of the request can be backed up";
            case TARGET_NOT_ALLOWED -> "The DR target is missing or not allowed";
            case BACKUP_ID_CONFLICT -> "A different backup with this id exists";
        };
    }
}
