package dev.ferry.restore.api;

import dev.ferry.events.validation.Violations;
import dev.ferry.restore.RestoreRefused;
import dev.ferry.restore.catalog.CatalogView;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;

/** {@code /api/v1/restore-points}: the catalog's restore points, complete and partial, newest first. */
@Path("/api/v1/restore-points")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RestorePointResource {

    private final CatalogView view;

    public RestorePointResource(CatalogView view) {
        this.view = view;
    }

    /** Restore points, optionally of one namespace, one source cluster, only complete ones. */
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
        return view.list(Optional.ofNullable(namespace), Optional.ofNullable(cluster)).stream()
                .filter(point -> complete == null || point.complete() == complete)
                .map(Views::of).toList();
    }

    @GET
    @Path("{id}")
    public Views.RestorePointView get(@PathParam("id") String id) {
        return view.find(id).map(Views::of).orElseThrow(() -> new RestoreRefused(RestoreRefused.Reason.RESTORE_POINT_NOT_FOUND,
                "restore point " + id + " is not in the catalog"));
    }
}
