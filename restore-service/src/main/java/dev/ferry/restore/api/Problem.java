package dev.ferry.restore.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}.
 *
 * @param type   a URI naming the kind of problem, e.g. {@code https://ferry.dev/problems/restore-point-not-found}
 * @param errors each thing that is wrong, when there are several
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<String> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://ferry.dev/problems/";

    /** The answer carrying this problem. */
    public Response response() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
