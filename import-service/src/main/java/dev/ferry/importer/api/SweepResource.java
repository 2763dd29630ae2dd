package dev.ferry.importer.api;

import dev.ferry.importer.Sweeper;
import dev.ferry.importer.config.ImportConfig;
import dev.ferry.support.api.ProblemException;
import dev.ferry.support.auth.ClusterAccess;
import dev.ferry.support.auth.CurrentCaller;
import dev.ferry.support.auth.Permission;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code POST /api/v1/sweeps}: a sweep on demand, reporting (and with {@code delete: true} deleting)
 * leftovers. Replicas count as left over after the configured {@code ferry.sweeper.replica-grace}.
 */
@Path("/api/v1/sweeps")
public class SweepResource {

    /** The request: how old a leftover must be (ISO-8601 duration, default the configured one) and whether to delete. */
    public record SweepRequest(String minAge, Boolean delete) {
    }

    /** Ferry's RBAC resource for sweeps, granted cluster-wide only (ferry-admin): see docs/access-control.md. */
    static final String SWEEPS = "sweeps";

    private final Sweeper sweeper;
    private final ImportConfig config;
    private final ClusterAccess access;
    private final CurrentCaller caller;

    public SweepResource(Sweeper sweeper, ImportConfig config, ClusterAccess access, CurrentCaller caller) {
        this.access = access;
        this.caller = caller;
        this.sweeper = sweeper;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Find (and optionally delete) VHDs, replicas of disks without backups and Ferry snapshots left behind in region B")
    public Sweeper.Report sweep(SweepRequest request) {
        access.require(caller.get(), Permission.ferryClusterWide("create", SWEEPS));
        Duration minAge = config.sweeper().minAge();
        boolean delete = false;
        if (request != null) {
            if (request.minAge() != null) {
                try {
                    minAge = Duration.parse(request.minAge());
                } catch (DateTimeParseException e) {
                    throw new ProblemException(400, "invalid-request", "The sweep request is invalid", "minAge must be an ISO-8601 duration such as PT24H, not '"
                            + request.minAge() + "'.");
                }
                if (minAge.isNegative()) {
                    throw new ProblemException(400, "invalid-request", "The sweep request is invalid", "minAge must not be negative.");
                }
            }
            delete = Boolean.TRUE.equals(request.delete());
        }
        return sweeper.sweep(minAge, config.sweeper().replicaGrace(), delete);
    }
}
