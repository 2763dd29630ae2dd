package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Restores a restore point on the DR cluster, for the REST API and the Kafka consumer alike:
 * {@link #accept} admits a request ({@link RestoreAdmission}) and records the restore under its id
 * ({@link KnownRestores}); {@link #run} carries it out ({@link VolumeRestorer}). A refused request
 * leaves nothing behind, and a known restore id is never run twice.
 */
@ApplicationScoped
public class RestoreService {

    private static final Logger LOG = Logger.getLogger(RestoreService.class);

    private final RestoreAdmission admission;
    private final VolumeRestorer restorer;
    private final KnownRestores known;
    private final Clock clock;

    public RestoreService(RestoreAdmission admission, VolumeRestorer restorer, KnownRestores known, Clock clock) {
        this.admission = admission;
        this.restorer = restorer;
        this.known = known;
        this.clock = clock;
    }

    /** The restore of that id that this replica knows. */
    public Optional<RestoreRun> find(String restoreId) {
        return known.find(restoreId);
    }

    /**
     * What {@link #accept} gave: the restore, and whether this call created it (and so must run it).
     * A known restore id returns the known restore, which its first caller runs.
     */
    public record Accepted(RestoreRun run, boolean isNew) {
    }

    /**
     * Checks a request and reserves its restore point. A request whose restore id is known returns
     * that restore (when it asks for the same thing) without doing anything again.
     *
     * @param access who asked may restore the point into the target namespace; checked before anything is done, also
     *               when the restore id is known
     * @throws RestoreRefused when the request cannot be carried out; nothing was created
     */
    public Accepted accept(RestoreRequested request, RestoreAccess access) {
        // The restore time runs from here: the checks are part of what a user waits for.
        Instant received = clock.instant();
        RestoreAdmission.checkValid(request);
        Optional<RestoreRun> same = known.find(request.restoreId()).map(run -> RestoreAdmission.checkSameAsk(run, request));
        if (same.isPresent()) {
            access.check(same.get().point(), same.get().targetNamespace(), same.get().request().createNamespace());
            return new Accepted(same.get(), false);
        }
        RestoreRun run = new RestoreRun(admission.admit(request, access, received));
        RestoreRun holder = known.record(run);
        if (holder != run) {
            // Another call with this restore id was admitted meanwhile: it runs the restore.
            admission.withdraw(run.plan());
            return new Accepted(RestoreAdmission.checkSameAsk(holder, request), false);
        }
        LOG.infof("restore %s accepted in %d ms: restore point %s (%s/%s, %d volumes) into namespace %s", request.restoreId(),
                java.time.Duration.between(received, clock.instant()).toMillis(), run.point().id(), run.point().sourceCluster(),
                run.point().namespace(), run.point().volumes().size(), run.targetNamespace());
        return new Accepted(run, true);
    }

    /**
     * A dry run: the same checks as {@link #accept} (who asked, the restore point, the namespace, storage classes,
     * conflicting PVCs, the region-B snapshots) and the plan they give, without recording or creating anything.
     *
     * @throws RestoreRefused exactly as {@link #accept} would for the same request
     */
    public RestorePlan preview(RestoreRequested request, RestoreAccess access) {
        Instant received = clock.instant();
        RestoreAdmission.checkValid(request);
        RestorePlan plan = admission.admit(request, access, received);
        admission.withdraw(plan);
        return plan;
    }

    /** Every restore this replica knows, the newest first. */
    public List<RestoreRun> list() {
        return known.all();
    }

    /** Carries out an accepted restore and waits for its PVCs; returns it completed or failed. Runs it once only. */
    public RestoreRun run(RestoreRun run) {
        return restorer.restore(run);
    }
}
