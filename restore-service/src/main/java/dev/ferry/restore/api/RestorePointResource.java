package dev.ferry.restore.api;

import dev.ferry.events.validation.Violations;
import dev.ferry.restore.RestoreRefused;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.RestorePoint;
import dev.ferry.support.auth.Caller;
import dev.ferry.support.auth.ClusterAccess;
import dev.ferry.support.auth.CurrentCaller;
import dev.ferry.support.auth.Permission;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;

/** {@code /api/v1/restore-points}: the catalog's restore points, complete and partial, newest first. */
@Path("/api/v1/restore-points")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RestorePointResource {

    private final CatalogView view;
    private final ClusterAccess access;
    private final CurrentCaller caller;

    public RestorePointResource(CatalogView view, ClusterAccess access, CurrentCaller caller) {
        this.view = view;
        this.access = access;
        this.caller = caller;
    }

    /**
     * Restore points, optionally of one namespace (403 unless the caller may list restore points there), one source
     * cluster, only complete ones; without a namespace, those of every namespace in which the caller may list them.
     */
    @GET
    public List<Views.RestorePointView> list(@QueryParam("namespace") String namespace, @QueryParam("cluster") String cluster,
                                             @QueryParam("complete") Boolean complete) {
        Violations violations = new Violations();
        if (namespace != null) {
            violations.dnsLabel("namespace", namespace);
        }
        if (cluster != null) {
            violations.dnsSubdomain("cluster", cluster);
        }
        if (!violations.isEmpty()) {
            List<String> problems = violations.list().stream().map(Object::toString).toList();
            throw new RestoreRefused(RestoreRefused.Reason.INVALID_REQUEST, "invalid query: " + String.join("; ", problems), problems);
        }
        Caller who = caller.get();
        if (namespace != null) {
            access.require(who, Permission.ferry("list", RestoreResource.RESTORE_POINTS, namespace));
        }
        List<RestorePoint> points = view.list(Optional.ofNullable(namespace), Optional.ofNullable(cluster)).stream()
                .filter(point -> complete == null || point.complete() == complete).toList();
        if (namespace == null) {
            points = access.listable(who, RestoreResource.RESTORE_POINTS, points, RestorePoint::namespace);
        }
        return points.stream().map(Views::of).toList();
    }

    /** One restore point, for whoever may get the restore points of its namespace. */
    @APIResponseSchema(value = Views.RestorePointView.class, responseCode = "200", responseDescription = "The restore point")
    @APIResponse(responseCode = "404", description = "The restore point is not in the catalog")
    @GET
    @Path("{id}")
    public Views.RestorePointView get(@PathParam("id") String id) {
        RestorePoint point = view.find(id).orElseThrow(() -> new RestoreRefused(RestoreRefused.Reason.RESTORE_POINT_NOT_FOUND,
                "restore point " + id + " is not in the catalog"));
        access.require(caller.get(), Permission.ferry("get", RestoreResource.RESTORE_POINTS, point.namespace()));
        return Views.of(point);
    }
}
