package dev.ferry.restore;

import dev.ferry.events.RestoreRequested;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Restores a restore point on the DR cluster. {@link #accept} admits the request
 * ({@link RestoreAdmission}: everything is checked before anything is created, so a refused request
 * leaves nothing behind) and remembers the restore under its id; {@link #run} carries it out
 * ({@link VolumeRestorer}).
 */
@ApplicationScoped
public class RestoreService {

    private static final Logger LOG = Logger.getLogger(RestoreService.class);

    private static final int KEPT_RUNS = 1000;

    private final RestoreAdmission admission;
    private final VolumeRestorer restorer;
    private final Clock clock;
    private final Map<String, RestoreRun> runs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RestoreRun> eldest) {
            return size() > KEPT_RUNS && eldest.getValue().finished();
        }
    };

    public RestoreService(RestoreAdmission admission, VolumeRestorer restorer, Clock clock) {
        this.admission = admission;
        this.restorer = restorer;
        this.clock = clock;
    }

    /** The restore of that id that this replica knows. */
    public synchronized Optional<RestoreRun> find(String restoreId) {
        return Optional.ofNullable(runs.get(restoreId));
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
     * @throws RestoreRefused when the request cannot be carried out; nothing was created
     */
    public Accepted accept(RestoreRequested request) {
        // The restore time runs from here: the checks are part of what a user waits for.
        Instant received = clock.instant();
        RestoreAdmission.checkValid(request);
        Optional<RestoreRun> known = known(request);
        if (known.isPresent()) {
            return new Accepted(known.get(), false);
        }
        RestoreRun run = new RestoreRun(admission.admit(request, received));
        synchronized (this) {
            if (runs.containsKey(request.restoreId())) {
                admission.withdraw(run.plan());
                return new Accepted(known(request).orElseThrow(), false);
            }
            runs.put(request.restoreId(), run);
        }
        LOG.infof("restore %s accepted: restore point %s (%s/%s, %d volumes) into namespace %s", request.restoreId(), run.point().id(),
                run.point().sourceCluster(), run.point().namespace(), run.point().volumes().size(), run.targetNamespace());
        return new Accepted(run, true);
    }

    /** The known restore of the request's id; refused if it asked for something else. */
    private synchronized Optional<RestoreRun> known(RestoreRequested request) {
        return Optional.ofNullable(runs.get(request.restoreId())).map(known -> RestoreAdmission.checkSameAsk(known, request));
    }

    /** Carries out an accepted restore and waits for its PVCs; returns it completed or failed. Runs it once only. */
    public RestoreRun run(RestoreRun run) {
        return restorer.restore(run);
    }
}
