package dev.ferry.snapshot.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.events.BackupRequested;
import dev.ferry.events.CopySpeed;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.validation.Dns1123;
import dev.ferry.snapshot.BackupAdmission;
import dev.ferry.snapshot.BackupRefused;
import dev.ferry.snapshot.BackupRun;
import dev.ferry.snapshot.BackupRuns;
import dev.ferry.snapshot.LabelSelector;
import dev.ferry.snapshot.config.SnapshotConfig;
import dev.ferry.snapshot.run.BackupRunner;
import dev.ferry.support.api.Problem;
import dev.ferry.support.api.ProblemException;
import dev.ferry.support.auth.Caller;
import dev.ferry.support.auth.ClusterAccess;
import dev.ferry.support.auth.CurrentCaller;
import dev.ferry.support.auth.Permission;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.logging.Logger;

/** Backups over REST: start one, follow one, list a namespace's. */
@Path("/api/v1/backups")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class BackupResource {

    /** The trigger of a REST request in the metrics; the event's {@code requestedBy} is the authenticated caller. */
    static final String TRIGGER = "rest";
    /** Ferry's RBAC resource for backups: see docs/access-control.md. */
    static final String BACKUPS = "backups";

    private static final Logger LOG = Logger.getLogger(BackupResource.class);

    private final BackupAdmission admission;
    private final BackupRunner runner;
    private final BackupRuns runs;
    private final SnapshotConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final ClusterAccess access;
    private final CurrentCaller caller;

    public BackupResource(BackupAdmission admission, BackupRunner runner, BackupRuns runs, SnapshotConfig config, MeterRegistry metrics,
                          Clock clock, ClusterAccess access, CurrentCaller caller) {
        this.access = access;
        this.caller = caller;
        this.admission = admission;
        this.runner = runner;
        this.runs = runs;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Starts a backup: 202 with the run and its Location once the PVCs are resolved (the snapshots
     * are taken after the answer); 200 with the existing run when {@code backupId} names one that
     * asked for the same; 429 with {@code Retry-After} when a PVC's disk has had as many snapshots
     * in the window as Azure allows (nothing is created); 403 unless the caller may create backups in the namespace.
     */
    @APIResponseSchema(value = BackupRun.View.class, responseCode = "202", responseDescription = "The backup is accepted")
    @APIResponse(responseCode = "200", description = "The backup was accepted before (a known backupId): as it is now")
    @APIResponse(responseCode = "409", description = "The backupId is another backup's")
    @APIResponse(responseCode = "422", description = "The namespace, a named PVC or an eligible PVC does not exist, or the target is not allowed")
    @APIResponse(responseCode = "429", description = "Another snapshot of a disk would break Azure's limit of snapshots per disk in 5 minutes; Retry-After says when")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(BackupBody body, @HeaderParam("X-Correlation-Id") String correlationId, @Context UriInfo uri) {
        if (body == null) {
            throw new BackupRefused(BackupRefused.Reason.INVALID_REQUEST, "A JSON body is required.",
                    List.of("namespace: is required"));
        }
        Caller who = caller.get();
        if (body.namespace() != null && Dns1123.isLabel(body.namespace())) {
            // A namespace that is not one is refused by the admission, with every other problem of the body.
            access.require(who, Permission.ferry("create", BACKUPS, body.namespace()));
        }
        String backupId = body.backupId() != null ? body.backupId() : UUID.randomUUID().toString();
        BackupRequested request = new BackupRequested(FerryEvent.SCHEMA_VERSION, backupId,
                correlationId != null && !correlationId.isBlank() ? correlationId : backupId, config.cluster(), body.namespace(),
                body.pvcNames(), selector(body.labelSelector()), body.policy(), strategy(body.strategy()), copySpeed(body.copySpeed()), null,
                who.user(),
                clock.instant());
        BackupAdmission.Admitted admitted;
        try {
            admitted = admission.admit(request);
        } catch (BackupRefused e) {
            if (e.reason() == BackupRefused.Reason.SNAPSHOT_RATE_LIMITED) {
                LOG.infof("backup %s of namespace %s refused: %s", backupId, body.namespace(), e.getMessage());
                metrics.counter(BackupAdmission.RATE_LIMITED_METRIC, "trigger", TRIGGER).increment();
            }
            throw e;
        }
        if (admitted.isNew()) {
            runner.executeInBackground(admitted.run());
        }
        URI location = uri.getBaseUriBuilder().path("api/v1/backups").path(backupId).build();
        return Response.status(admitted.isNew() ? Response.Status.ACCEPTED : Response.Status.OK).location(location)
                .type(MediaType.APPLICATION_JSON).entity(admitted.run().view()).build();
    }

    /** One backup with each volume's state; rebuilt from the cluster's VolumeSnapshots when not in memory. */
    @APIResponseSchema(value = BackupRun.View.class, responseCode = "200", responseDescription = "The backup")
    @APIResponse(responseCode = "404", description = "The backup is not known")
    @GET
    @Path("{backupId}")
    public BackupRun.View get(@PathParam("backupId") String backupId) {
        BackupRun run = runs.find(backupId).orElseThrow(() -> new ProblemException(404, "backup-not-found",
                "No such backup", "No backup " + backupId + " is known on cluster " + config.cluster() + "."));
        access.require(caller.get(), Permission.ferry("get", BACKUPS, run.namespace()));
        return run.view();
    }

    /**
     * The backups of a namespace, newest first: 403 unless the caller may list backups there. Without the parameter,
     * those of every namespace in which the caller may list backups.
     */
    @GET
    public List<BackupRun.View> list(@QueryParam("namespace") String namespace) {
        if (namespace != null && !Dns1123.isLabel(namespace)) {
            throw new BackupRefused(BackupRefused.Reason.INVALID_REQUEST, "The namespace parameter is not a namespace name.",
                    List.of("namespace: must be a DNS-1123 label but is '" + namespace + "'"));
        }
        Caller who = caller.get();
        if (namespace != null) {
            access.require(who, Permission.ferry("list", BACKUPS, namespace));
            return runs.list(namespace).stream().map(BackupRun::view).toList();
        }
        return access.listable(who, BACKUPS, runs.list(null), BackupRun::namespace).stream().map(BackupRun::view).toList();
    }

    private static Map<String, String> selector(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            if (node.isTextual()) {
                return LabelSelector.parse(node.textValue());
            }
        } catch (LabelSelector.InvalidSelector e) {
            throw new BackupRefused(BackupRefused.Reason.INVALID_REQUEST, "The label selector is invalid.", e.problems());
        }
        if (node.isObject()) {
            Map<String, String> labels = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            node.fields().forEachRemaining(field -> {
                if (field.getValue().isTextual()) {
                    labels.put(field.getKey(), field.getValue().textValue());
                } else {
                    problems.add("labelSelector value of '" + field.getKey() + "' must be a string");
                }
            });
            if (!problems.isEmpty()) {
                throw new BackupRefused(BackupRefused.Reason.INVALID_REQUEST, "The label selector is invalid.", problems);
            }
            return labels;
        }
        throw new BackupRefused(BackupRefused.Reason.INVALID_REQUEST, "The label selector is invalid.",
                List.of("labelSelector must be a string such as \"app=shop\" or an object of labels"));
    }

    private static CopySpeed copySpeed(String wire) {
        if (wire == null) {
            return null;
        }
        try {
            return CopySpeed.fromWireName(wire);
        } catch (IllegalArgumentException e) {
            throw new BackupRefused(BackupRefused.Reason.INVALID_REQUEST, "The copy speed is unknown.", List.of(e.getMessage()));
        }
    }

    private static TransferStrategy strategy(String wire) {
        if (wire == null) {
            return null;
        }
        try {
            return TransferStrategy.fromWireName(wire);
        } catch (IllegalArgumentException e) {
            throw new BackupRefused(BackupRefused.Reason.INVALID_REQUEST, "The transfer strategy is unknown.", List.of(e.getMessage()));
        }
    }
}
