package dev.ferry.restore.api;

import dev.ferry.restore.RestoreRun;
import dev.ferry.restore.RestoreService;
import dev.ferry.restore.progress.RecentFailures;
import dev.ferry.restore.progress.TransfersInFlight;
import dev.ferry.support.auth.Caller;
import dev.ferry.support.auth.ClusterAccess;
import dev.ferry.support.auth.CurrentCaller;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What is on its way and what went wrong, as the events tell it: backups moving to region B volume by volume
 * ({@code /api/v1/transfers}) and the newest failed steps ({@code /api/v1/failures}). Each shows only what the caller may
 * read: a backup's progress and its volumes' failures to whoever may list the restore points of its namespace, a
 * restore's failure to whoever may list restores in its target namespace, and failures that name neither to whoever
 * may list restore points in every namespace.
 */
@Produces(MediaType.APPLICATION_JSON)
@Path("/api/v1")
@Blocking
public class ProgressResource {

    private final TransfersInFlight inFlight;
    private final RecentFailures failures;
    private final RestoreService restores;
    private final ClusterAccess access;
    private final CurrentCaller caller;

    public ProgressResource(TransfersInFlight inFlight, RecentFailures failures, RestoreService restores, ClusterAccess access,
                            CurrentCaller caller) {
        this.inFlight = inFlight;
        this.failures = failures;
        this.restores = restores;
        this.access = access;
        this.caller = caller;
    }

    /** Backups on their way to region B, then those that arrived lately; per volume its state, bytes, percent, rate and ETA. */
    @GET
    @Path("transfers")
    public List<TransfersInFlight.BackupProgress> transfers() {
        return access.listable(caller.get(), RestoreResource.RESTORE_POINTS, inFlight.current(), TransfersInFlight.BackupProgress::namespace);
    }

    /** The newest failed steps of every service, newest first. */
    @GET
    @Path("failures")
    public List<RecentFailures.Failure> failures() {
        Caller who = caller.get();
        List<RecentFailures.Failure> all = failures.newestFirst();
        Set<RecentFailures.Failure> readable = Collections.newSetFromMap(new IdentityHashMap<>());
        readable.addAll(access.listable(who, RestoreResource.RESTORE_POINTS,
                all.stream().filter(f -> f.restoreId() == null).toList(), RecentFailures.Failure::namespace));
        readable.addAll(access.listable(who, RestoreResource.RESTORES, all.stream().filter(f -> f.restoreId() != null).toList(),
                f -> restores.find(f.restoreId()).map(RestoreRun::targetNamespace).orElse(null)));
        return all.stream().filter(readable::contains).toList();
    }
}
