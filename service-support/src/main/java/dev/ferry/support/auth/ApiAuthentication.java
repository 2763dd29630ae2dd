package dev.ferry.support.auth;

import dev.ferry.support.api.Problem;
import dev.ferry.support.api.ProblemException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /api/...} request needs a bearer token that the service's own cluster authenticates; health, metrics
 * and the OpenAPI document under {@code /q} stay open. No token, or one the cluster rejects: 401 problem+json with
 * {@code WWW-Authenticate: Bearer}, and the resource does not run. A refusal is logged (method and path), never
 * the token.
 */
public class ApiAuthentication {

    private static final Logger LOG = Logger.getLogger(ApiAuthentication.class);
    private static final String BEARER = "Bearer ";

    private final ClusterAccess access;
    private final CurrentCaller current;

    public ApiAuthentication(ClusterAccess access, CurrentCaller current) {
        this.access = access;
        this.current = current;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.equals("/api")) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.substring(BEARER.length()).isBlank()) {
            return Optional.of(unauthorized(path, "The request has no bearer token: send 'Authorization: Bearer <token>' with a token "
                    + "of this cluster (for example from kubectl create token)."));
        }
        Optional<Caller> caller;
        try {
            caller = access.authenticate(header.substring(BEARER.length()).trim());
        } catch (ProblemException e) {
            return Optional.of(e.problem(path).response());
        }
        if (caller.isEmpty()) {
            LOG.infof("%s %s refused: the bearer token is not valid on this cluster", request.getMethod(), path);
            return Optional.of(unauthorized(path, "The bearer token is not valid on this cluster: it is unknown, of another cluster, "
                    + "or has expired."));
        }
        current.set(caller.get());
        return Optional.empty();
    }

    private static Response unauthorized(String path, String detail) {
        return Response.fromResponse(Problem.of("unauthenticated", "Unauthorized", 401, detail, path, List.of()).response())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
