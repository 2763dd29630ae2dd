package dev.ferry.snapshot.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ferry.snapshot.BackupRejected;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error of the REST API into RFC 9457 problem+json with a message that says what is wrong. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response rejected(BackupRejected e, UriInfo uri) {
        return new Problem(Problem.TYPE_BASE + slug(e.reason()), title(e.reason()), status(e.reason()), e.getMessage(), uri.getPath(),
                e.details()).response();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return e.problem(uri.getPath()).response();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        String message = e.getOriginalMessage() == null ? "cannot be read" : e.getOriginalMessage().lines().findFirst().orElse("");
        return new Problem(Problem.TYPE_BASE + "malformed-body", "The request body is not valid JSON for this resource", 400,
                "The body could not be read: " + message, uri.getPath(), List.of()).response();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        return new Problem("about:blank", title, status, e.getMessage(), uri.getPath(), List.of()).response();
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
