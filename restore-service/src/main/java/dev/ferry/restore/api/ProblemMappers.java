package dev.ferry.restore.api;

import dev.ferry.restore.RestoreRefused;
import dev.ferry.support.api.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Locale;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns a refused restore into RFC 9457 problem+json; service-support's mappers answer every other error. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response refused(RestoreRefused e, UriInfo uri) {
        return Problem.of(e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'), title(e.reason()),
                status(e.reason()), e.getMessage(), uri.getPath(), e.details()).response();
    }

    static int status(RestoreRefused.Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST -> 400;
            case RESTORE_POINT_NOT_FOUND, RESTORE_NOT_FOUND -> 404;
            case RESTORE_POINT_INCOMPLETE, PVC_CONFLICT, RESTORE_ID_CONFLICT, SNAPSHOT_MISSING -> 409;
            case AMBIGUOUS_NAMESPACE, NAMESPACE_NOT_FOUND, STORAGE_CLASS_NOT_FOUND -> 422;
            case DEPENDENCY_UNAVAILABLE -> 503;
        };
    }

    private static String title(RestoreRefused.Reason reason) {
        return switch (reason) {
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
            case DEPENDENCY_UNAVAILABLE -> "The catalog, Azure or the DR cluster did not answer";
        };
    }
}
