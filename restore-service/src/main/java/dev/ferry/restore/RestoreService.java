package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import dev.ferry.restore.catalog.CatalogView;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Restores a restore point on the DR cluster, for the REST API and the Kafka consumer alike:
 * {@link #accept} admits a request ({@link RestoreAdmission}) and records the restore under its id
 * ({@link KnownRestores}); {@link #run} carries it out ({@link VolumeRestorer}). A refused request
 * leaves nothing behind, and a known restore id is never run twice. Each restore is kept in the {@link RestoreLedger} when it
 * is accepted, when it ends and once its outcome is reported, so that a restarted service {@link #recover recovers} it.
 */
@ApplicationScoped
public class RestoreService {

    private static final Logger LOG = Logger.getLogger(RestoreService.class);

    private final RestoreAdmission admission;
    private final VolumeRestorer restorer;
    private final KnownRestores known;
    private final RestoreLedger ledger;
    private final CatalogView view;
    private final Clock clock;

    public RestoreService(RestoreAdmission admission, VolumeRestorer restorer, KnownRestores known, RestoreLedger ledger,
                          CatalogView view, Clock clock) {
        this.admission = admission;
        this.restorer = restorer;
        this.known = known;
        this.ledger = ledger;
        this.view = view;
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
        keep(run);
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
        restorer.restore(run);
        keep(run);
        return run;
    }

    /** Notes that the restore's outcome was reported (or is not the restore's to report: a drill's), so recovery does not again. */
    public void reported(RestoreRun run) {
        run.markReported();
        keep(run);
    }

    /**
     * Reads back the restores the ledger keeps and this replica does not know (a restarted service): the finished ones are
     * known again, as they ended; an unfinished one is accepted again, its restore point leased, and returned to be run,
     * unless {@code abandoned} says it is not worth finishing (a drill's, whose drill died with the service): that one fails
     * as {@code Interrupted}. A restore point gone meanwhile fails its restore as {@code RestorePointNotFound}.
     *
     * @return the restores to run, and the finished ones whose outcome was never reported; oldest first
     */
    public List<RestoreRun> recover(Predicate<RestorePlan> abandoned) {
        List<RestoreRun> pending = new ArrayList<>();
        List<RestoreRecord> records = new ArrayList<>(ledger.readAll());
        records.sort(Comparator.comparing(r -> r.plan().receivedAt()));
        for (RestoreRecord record : records) {
            RestoreRun run = RestoreRun.of(record);
            if (known.record(run) != run) {
                continue;
            }
            if (run.finished()) {
                if (!run.reported()) {
                    pending.add(run);
                }
                continue;
            }
            if (abandoned.test(run.plan())) {
                run.failed("Interrupted", "the service stopped during the drill of this restore; the drill's objects are swept",
                        clock.instant());
                reported(run);
            } else if (!view.lease(run.point().id())) {
                run.failed("RestorePointNotFound", "restore point " + run.point().id() + " was deleted while the service was down",
                        clock.instant());
                keep(run);
                pending.add(run);
            } else {
                LOG.infof("restore %s was under way when the service stopped; it runs again (what it created is kept)", run.restoreId());
                pending.add(run);
            }
        }
        forgetOldest(records);
        return pending;
    }

    /** Deletes the oldest finished restores from the ledger beyond the {@value KnownRestores#KEPT} a replica keeps in memory. */
    private void forgetOldest(List<RestoreRecord> oldestFirst) {
        List<RestoreRecord> finished = oldestFirst.stream().filter(RestoreRecord::finished).toList();
        for (RestoreRecord old : finished.subList(0, Math.max(0, finished.size() - KnownRestores.KEPT))) {
            try {
                ledger.delete(old.restoreId());
            } catch (RuntimeException e) {
                LOG.warnf("old restore %s could not be deleted from the ledger: %s; next start", old.restoreId(), e.getMessage());
                return;
            }
        }
    }

    /** Writes the restore to the ledger; a restore goes on when storage cannot keep it (it is then lost to a restart). */
    private void keep(RestoreRun run) {
        try {
            ledger.save(run.record());
        } catch (RuntimeException e) {
            LOG.warnf("restore %s could not be kept beside the catalog (%s): a restart of this service would forget it", run.restoreId(),
                    e.getMessage());
        }
    }
}
