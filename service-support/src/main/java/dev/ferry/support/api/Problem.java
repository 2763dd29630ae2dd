package dev.ferry.support.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}: the one shape of every
 * error of every Ferry REST API.
 *
 * @param type   a URI naming the kind of problem, {@value #TYPE_BASE} and a slug, e.g. {@code namespace-not-found}
 * @param errors each thing that is wrong, when there are several (invalid fields, skipped PVCs)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<String> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://ferry.dev/problems/";

    /** A problem of Ferry's own kind, named by its slug. */
    public static Problem of(String slug, String title, int status, String detail, String instance, List<String> errors) {
        return new Problem(TYPE_BASE + slug, title, status, detail, instance, List.copyOf(errors));
    }

    /** The answer carrying this problem. */
    public Response response() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
