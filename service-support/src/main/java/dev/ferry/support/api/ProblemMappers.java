package dev.ferry.support.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error of every Ferry REST API into RFC 9457 problem+json: refusals and REST problems
 * with their own status (a refusal that only time stands in the way of with a {@code Retry-After}
 * header), unreadable bodies as 400, the framework's HTTP errors (404, 405, 415...)
 * with their status, and anything else as a 500 that names an incident id to find in the log (the
 * exception's message is not sent: it may carry what a caller must not see).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response refused(Refused e, UriInfo uri) {
        Response answer = e.problem(uri.getPath()).response();
        return e.retryAfter()
                .map(wait -> Response.fromResponse(answer).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds(wait)).build())
                .orElse(answer);
    }

    /** A {@code Retry-After} in whole seconds, rounded up and at least 1: a client that waits that long is not early. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return e.problem(uri.getPath()).response();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        String message = e.getOriginalMessage() == null ? "cannot be read" : e.getOriginalMessage().lines().findFirst().orElse("");
        return Problem.of("malformed-body", "The request body is not valid JSON for this resource", 400,
                "The body could not be read: " + message, uri.getPath(), List.of()).response();
    }

    /**
     * A body of the wrong shape (an array or a string where an object belongs): Quarkus' own mapper for this type answers
     * 400 with no body, so it is mapped here by its own type, to the same problem as any unreadable body.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, uri);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        return new Problem("about:blank", title, status, e.getMessage(), uri.getPath(), List.of()).response();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "incident %s: %s failed unexpectedly", incident, uri.getPath());
        return Problem.of("internal-error", "The service failed unexpectedly", 500,
                "The request could not be completed; the service's log names incident " + incident + ".", uri.getPath(),
                List.of()).response();
    }
}
