package dev.ferry.restore.api;

import dev.ferry.events.DrillTrigger;
import dev.ferry.events.validation.Dns1123;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.restore.drill.DrillCheckSpec;
import dev.ferry.restore.drill.DrillHistory;
import dev.ferry.restore.drill.DrillRecord;
import dev.ferry.restore.drill.DrillRefused;
import dev.ferry.restore.drill.DrillRequest;
import dev.ferry.restore.drill.DrillRun;
import dev.ferry.restore.drill.DrillRunner;
import dev.ferry.restore.drill.DrillSchedules;
import dev.ferry.restore.run.DrillScheduler;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.RestResponse;

/** {@code /api/v1/drills} and {@code /api/v1/drill-schedules}: prove applications recoverable with test restores, and see how they went. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class DrillResource {

    /** Ferry's RBAC resource for drills: see docs/access-control.md. */
    static final String DRILLS = "drills";
    /** The longest drill id: its scratch namespace {@code ferry-<id>} and its objects' names stay within 63 characters. */
    static final int MAX_DRILL_ID = 45;

    private final DrillRunner runner;
    private final DrillHistory history;
    private final DrillSchedules schedules;
    private final DrillScheduler scheduler;
    private final ClusterAccess access;
    private final CurrentCaller caller;
    private final RestoreConfig config;

    public DrillResource(DrillRunner runner, DrillHistory history, DrillSchedules schedules, DrillScheduler scheduler,
                         ClusterAccess access, CurrentCaller caller, RestoreConfig config) {
        this.runner = runner;
        this.history = history;
        this.schedules = schedules;
        this.scheduler = scheduler;
        this.access = access;
        this.caller = caller;
        this.config = config;
    }

    /**
     * Starts a drill of an application: its newest complete restore point restored into a scratch namespace
     * {@code ferry-<drillId>}, every PVC waited for, the check Job run if given, the time to recover measured, then everything
     * the drill created deleted (the region-B snapshots stay). 202 with the drill and its Location; it goes on in the
     * background. The caller must be allowed, on the DR cluster, to create drills and get restore points in the application's
     * namespace, and for a drill with a check also to create Jobs there (the check runs the caller's image). The same drillId
     * again returns the same drill.
     */
    @APIResponse(responseCode = "202", description = "The drill started (or had, for a known drillId)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Views.DrillView.class)))
    @APIResponse(responseCode = "404", description = "The application has no complete restore point")
    @APIResponse(responseCode = "409", description = "A drill of the application runs, a region-B snapshot is gone, or the drillId is another drill's")
    @APIResponse(responseCode = "422", description = "A storage class does not exist, or the namespace is backed up from several clusters")
    @POST
    @Path("drills")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(DrillBody body, UriInfo uri) {
        if (body == null) {
            throw new DrillRefused(DrillRefused.Reason.INVALID_REQUEST, "the body must name the application's namespace");
        }
        List<String> problems = new ArrayList<>();
        if (body.namespace() == null || !Dns1123.isLabel(body.namespace())) {
            problems.add("namespace: must name the application's source namespace (a DNS label) but is "
                    + (body.namespace() == null ? "missing" : "'" + body.namespace() + "'"));
        }
        if (body.sourceCluster() != null && !Dns1123.isSubdomain(body.sourceCluster())) {
            problems.add("sourceCluster: must be a DNS subdomain but is '" + body.sourceCluster() + "'");
        }
        if (body.drillId() != null && (!body.drillId().startsWith("drill-") || body.drillId().length() > MAX_DRILL_ID
                || !Dns1123.isLabel(body.drillId()))) {
            problems.add("drillId: must start with drill-, be a DNS label and at most " + MAX_DRILL_ID + " characters");
        }
        DrillCheckSpec check = body.check() == null ? null : DrillCheckSpec.parse(body.check().image(), body.check().command(),
                body.check().timeout(), config.drills().checkTimeout(), config.drills().maxCheckTimeout(), "check.", problems);
        if (!problems.isEmpty()) {
            throw new DrillRefused(DrillRefused.Reason.INVALID_REQUEST, "the drill request is invalid: " + String.join("; ", problems),
                    problems);
        }
        Caller who = caller.get();
        String drillId = body.drillId() != null ? body.drillId() : "drill-" + UUID.randomUUID();
        Optional<Views.DrillView> known = find(drillId);
        if (known.isPresent()) {
            Views.DrillView drill = known.get();
            access.require(who, Permission.ferry("create", DRILLS, drill.namespace()));
            if (!drill.namespace().equals(body.namespace()) || (body.sourceCluster() != null && !body.sourceCluster().equals(drill.sourceCluster()))) {
                throw new DrillRefused(DrillRefused.Reason.INVALID_REQUEST, "drill " + drillId + " exists and drills another application; "
                        + "use a new drillId");
            }
            return accepted(drill, uri);
        }
        DrillRequest request = new DrillRequest(drillId, DrillTrigger.ON_DEMAND, null, body.sourceCluster(), body.namespace(), check,
                who.user());
        DrillRun run = runner.start(request, (point, target, createNamespace) -> {
            List<Permission> needed = new ArrayList<>(List.of(Permission.ferry("create", DRILLS, point.namespace()),
                    Permission.ferry("get", RestoreResource.RESTORE_POINTS, point.namespace())));
            if (check != null) {
                // A check runs the caller's image on the DR cluster: only for whoever may run Jobs in the application's namespace.
                needed.add(new Permission("create", "batch", "jobs", point.namespace()));
            }
            access.require(who, needed.toArray(Permission[]::new));
        });
        return accepted(Views.of(run), uri);
    }

    private static Response accepted(Views.DrillView drill, UriInfo uri) {
        return Response.accepted(drill).location(uri.getBaseUriBuilder().path("api/v1/drills").path(drill.drillId()).build()).build();
    }

    /** The running and the kept drills, newest first, of the applications whose namespace the caller may list drills in. */
    @GET
    @Path("drills")
    public List<Views.DrillView> list(@QueryParam("namespace") String namespace) {
        // A drill that has just ended is kept before it leaves the running ones: shown once.
        Set<String> seen = new HashSet<>();
        List<Views.DrillView> all = Stream.concat(runner.running().stream().map(Views::of), history.list().stream().map(Views::of))
                .filter(d -> seen.add(d.drillId())).filter(d -> namespace == null || namespace.equals(d.namespace()))
                .sorted(Comparator.comparing(Views.DrillView::startedAt).reversed()).toList();
        return access.listable(caller.get(), DRILLS, all, Views.DrillView::namespace);
    }

    /** A drill, running or kept; for whoever may get drills in its application's namespace. */
    @APIResponseSchema(value = Views.DrillView.class, responseCode = "200", responseDescription = "The drill")
    @APIResponse(responseCode = "404", description = "No drill of that id runs or is kept")
    @GET
    @Path("drills/{id}")
    public RestResponse<Views.DrillView> get(@PathParam("id") String id) {
        Views.DrillView drill = find(id).orElseThrow(() -> new DrillRefused(DrillRefused.Reason.DRILL_NOT_FOUND,
                "drill " + id + " is not known"));
        access.require(caller.get(), Permission.ferry("get", DRILLS, drill.namespace()));
        return RestResponse.ok(drill);
    }

    /** The DR cluster's DrillSchedules with their last and next drill, of the namespaces where the caller may list drills. */
    @GET
    @Path("drill-schedules")
    public List<Views.DrillScheduleView> schedules() {
        List<Views.DrillScheduleView> all = schedules.list().stream().map(schedule -> {
            Optional<DrillRecord> last = schedule.valid() ? history.last(schedule.application(), schedule.name()) : Optional.empty();
            boolean due = schedule.valid() && !schedule.suspend();
            return Views.of(schedule, last.orElse(null), due ? scheduler.nextDrillAt(schedule) : null);
        }).filter(s -> s.namespace() != null).toList();
        return access.listable(caller.get(), DRILLS, all, Views.DrillScheduleView::namespace);
    }

    private Optional<Views.DrillView> find(String drillId) {
        return runner.findRunning(drillId).map(Views::of).or(() -> history.find(drillId).map(Views::of));
    }
}
