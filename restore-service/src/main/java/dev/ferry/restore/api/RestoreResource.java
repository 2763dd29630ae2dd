package dev.ferry.restore.api;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.RestoreRequested;
import dev.ferry.restore.RestoreAccess;
import dev.ferry.restore.RestoreRefused;
import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.run.RestoreWorkers;
import dev.ferry.support.auth.Caller;
import dev.ferry.support.auth.ClusterAccess;
import dev.ferry.support.auth.CurrentCaller;
import dev.ferry.support.auth.Permission;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code /api/v1/restores}: start a restore on the DR cluster and follow it. */
@Path("/api/v1/restores")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RestoreResource {

    /** Ferry's RBAC resources for restores and restore points: see docs/access-control.md. */
    static final String RESTORES = "restores";
    static final String RESTORE_POINTS = "restorepoints";

    private final RestoreService restores;
    private final RestoreWorkers workers;
    private final Clock clock;
    private final ClusterAccess access;
    private final CurrentCaller caller;

    public RestoreResource(RestoreService restores, RestoreWorkers workers, Clock clock, ClusterAccess access, CurrentCaller caller) {
        this.access = access;
        this.caller = caller;
        this.restores = restores;
        this.workers = workers;
        this.clock = clock;
    }

    /**
     * Checks the request (restore point, completeness, namespace, storage classes, PVC names, region-B
     * snapshots) and starts the restore: 202 with the restore and its Location. The same restoreId
     * again returns the same restore and starts nothing. The caller must be allowed, on the DR cluster, to create
     * restores in the target namespace, to get the restore points of the source namespace and, with
     * {@code createNamespace}, to create namespaces: otherwise 403 naming what is missing, and nothing is done.
     * With {@code ?dryRun=true} the same checks run and the answer is 200 with what the restore would create (or the
     * problem the real request would get); nothing is recorded or created.
     */
    @APIResponse(responseCode = "200", description = "The dry run (dryRun=true): what the restore would create", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Views.RestorePreview.class)))
    @APIResponse(responseCode = "202", description = "The restore is accepted (or was already, for a known restoreId)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Views.RestoreView.class)))
    @APIResponse(responseCode = "404", description = "The restore point is not in the catalog")
    @APIResponse(responseCode = "409", description = "The restore point misses volumes, a PVC exists already, a region-B snapshot is gone, or the restoreId is another restore's")
    @APIResponse(responseCode = "422", description = "The target namespace does not exist (without createNamespace), a storage class does not exist, or the namespace is backed up from several clusters")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(RestoreBody body, @QueryParam("dryRun") String dryRun, UriInfo uri) {
        if (dryRun != null && !dryRun.equals("true") && !dryRun.equals("false")) {
            throw new RestoreRefused(RestoreRefused.Reason.INVALID_REQUEST, "dryRun must be true or false",
                    List.of("dryRun: must be true or false but is '" + dryRun + "'"));
        }
        if (body == null) {
            throw new RestoreRefused(RestoreRefused.Reason.INVALID_REQUEST,
                    "the body must name a restorePointId, or a namespace for its latest restore point");
        }
        if (body.requestedBy() != null) {
            throw new RestoreRefused(RestoreRefused.Reason.INVALID_REQUEST, "requestedBy is the authenticated caller and cannot be set",
                    List.of("requestedBy: must be left out; the restore is recorded as requested by the token's user"));
        }
        Caller who = caller.get();
        String restoreId = body.restoreId() != null ? body.restoreId() : UUID.randomUUID().toString();
        String pointId = RestoreBody.LATEST.equals(body.restorePointId()) ? null : body.restorePointId();
        RestoreRequested request = new RestoreRequested(FerryEvent.SCHEMA_VERSION, restoreId,
                body.correlationId() != null ? body.correlationId() : restoreId, pointId, body.sourceCluster(), body.namespace(),
                body.targetNamespace(), body.storageClassMap(), Boolean.TRUE.equals(body.createNamespace()),
                Boolean.TRUE.equals(body.allowPartial()), who.user(), clock.instant());
        RestoreAccess rights = (point, target, createNamespace) -> {
            List<Permission> needed = new ArrayList<>(List.of(Permission.ferry("create", RESTORES, target),
                    Permission.ferry("get", RESTORE_POINTS, point.namespace())));
            if (createNamespace) {
                needed.add(Permission.createNamespaces());
            }
            access.require(who, needed.toArray(Permission[]::new));
        };
        if ("true".equals(dryRun)) {
            return Response.ok(Views.of(restores.preview(request, rights))).build();
        }
        RestoreService.Accepted accepted = restores.accept(request, rights);
        RestoreRun run = accepted.run();
        if (accepted.isNew()) {
            workers.start(run);
        }
        return Response.accepted(Views.of(run)).location(uri.getBaseUriBuilder().path("api/v1/restores").path(restoreId).build())
                .build();
    }

    /** The restores this replica knows, newest first, in the target namespaces where the caller may list restores. */
    @GET
    public List<Views.RestoreView> list() {
        return access.listable(caller.get(), RESTORES, restores.list(), RestoreRun::targetNamespace).stream().map(Views::of).toList();
    }

    /** The restore as this replica knows it: its state, and per PVC its phase; for whoever may get restores in its target namespace. */
    @APIResponseSchema(value = Views.RestoreView.class, responseCode = "200", responseDescription = "The restore")
    @APIResponse(responseCode = "404", description = "The restore is not known to this replica")
    @GET
    @Path("{id}")
    public RestResponse<Views.RestoreView> get(@PathParam("id") String id) {
        RestoreRun run = restores.find(id).orElseThrow(() -> new RestoreRefused(RestoreRefused.Reason.RESTORE_NOT_FOUND,
                "restore " + id + " is not known to this service"));
        access.require(caller.get(), Permission.ferry("get", RESTORES, run.targetNamespace()));
        return RestResponse.ok(Views.of(run));
    }
}
