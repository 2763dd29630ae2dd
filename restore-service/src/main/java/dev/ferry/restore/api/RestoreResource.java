package dev.ferry.restore.api;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.RestoreRequested;
import dev.ferry.restore.RestoreRefused;
import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.run.RestoreWorkers;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Clock;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code /api/v1/restores}: start a restore on the DR cluster and follow it. */
@Path("/api/v1/restores")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class RestoreResource {

    private final RestoreService restores;
    private final RestoreWorkers workers;
    private final Clock clock;

    public RestoreResource(RestoreService restores, RestoreWorkers workers, Clock clock) {
        this.restores = restores;
        this.workers = workers;
        this.clock = clock;
    }

    /**
     * Checks the request (restore point, completeness, namespace, storage classes, PVC names, region-B
     * snapshots) and starts the restore: 202 with the restore and its Location. The same restoreId
     * again returns the same restore and starts nothing.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(RestoreBody body, UriInfo uri) {
        if (body == null) {
            throw new RestoreRefused(RestoreRefused.Reason.INVALID_REQUEST,
                    "the body must name a restorePointId, or a namespace for its latest restore point");
        }
        String restoreId = body.restoreId() != null ? body.restoreId() : UUID.randomUUID().toString();
        String pointId = RestoreBody.LATEST.equals(body.restorePointId()) ? null : body.restorePointId();
        RestoreRequested request = new RestoreRequested(FerryEvent.SCHEMA_VERSION, restoreId,
                body.correlationId() != null ? body.correlationId() : restoreId, pointId, body.sourceCluster(), body.namespace(),
                body.targetNamespace(), body.storageClassMap(), Boolean.TRUE.equals(body.createNamespace()),
                Boolean.TRUE.equals(body.allowPartial()), body.requestedBy(), clock.instant());
        RestoreService.Accepted accepted = restores.accept(request);
        RestoreRun run = accepted.run();
        if (accepted.isNew()) {
            workers.start(run);
        }
        return Response.accepted(Views.of(run)).location(uri.getBaseUriBuilder().path("api/v1/restores").path(restoreId).build())
                .build();
    }

    /** The restore as this replica knows it: its state, and per PVC its phase. */
    @GET
    @Path("{id}")
    public RestResponse<Views.RestoreView> get(@PathParam("id") String id) {
        RestoreRun run = restores.find(id).orElseThrow(() -> new RestoreRefused(RestoreRefused.Reason.RESTORE_NOT_FOUND,
                "restore " + id + " is not known to this service"));
        return RestResponse.ok(Views.of(run));
    }
}
