package dev.ferry.restore.drill;

import dev.ferry.restore.config.RestoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The finished drills, newest first: read from the {@link DrillStore} on first use, then kept in step with what this service
 * writes. At most {@code keep} drills are kept per application; older ones are deleted from the store.
 */
@ApplicationScoped
public class DrillHistory {

    private static final Logger LOG = Logger.getLogger(DrillHistory.class);
    private static final Comparator<DrillRecord> NEWEST_FIRST =
            Comparator.comparing((DrillRecord r) -> r.result().startedAt()).reversed().thenComparing(r -> r.result().drillId());

    private final DrillStore store;
    private final int keep;
    private List<DrillRecord> records;

    @Inject
    public DrillHistory(DrillStore store, RestoreConfig config) {
        this(store, config.drills().keep());
    }

    public DrillHistory(DrillStore store, int keep) {
        this.store = store;
        this.keep = keep;
    }

    /** Every finished drill, newest first. */
    public synchronized List<DrillRecord> list() {
        return List.copyOf(loaded());
    }

    public synchronized Optional<DrillRecord> find(String drillId) {
        return loaded().stream().filter(r -> r.result().drillId().equals(drillId)).findFirst();
    }

    /** The newest drill of the application ({@code <cluster>/<namespace>}) that {@code schedule} started, or any when null. */
    public synchronized Optional<DrillRecord> last(String application, String schedule) {
        return loaded().stream().filter(r -> r.application().equals(application))
                .filter(r -> schedule == null || schedule.equals(r.schedule())).findFirst();
    }

    /**
     * Keeps a finished drill durably, and drops the application's drills beyond {@code keep}.
     *
     * @throws RuntimeException when the store could not keep it; this service still shows it until it restarts
     */
    public synchronized void add(DrillRecord record) {
        List<DrillRecord> all = loaded();
        all.removeIf(r -> r.result().drillId().equals(record.result().drillId()));
        all.add(record);
        all.sort(NEWEST_FIRST);
        List<DrillRecord> ofApplication = all.stream().filter(r -> r.application().equals(record.application())).toList();
        for (DrillRecord old : ofApplication.subList(Math.min(keep, ofApplication.size()), ofApplication.size())) {
            try {
                store.delete(old);
                all.remove(old);
            } catch (RuntimeException e) {
                LOG.warnf("drill %s is beyond the %d kept of %s but could not be deleted; next time: %s", old.result().drillId(), keep,
                        old.application(), e.getMessage());
            }
        }
        store.save(record);
    }

    private List<DrillRecord> loaded() {
        if (records == null) {
            List<DrillRecord> read = new ArrayList<>(store.readAll());
            read.sort(NEWEST_FIRST);
            records = read;
        }
        return records;
    }
}
