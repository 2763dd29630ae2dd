package dev.ferry.restore;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The restores this replica accepted, by restore id: every unfinished one, and of the finished ones
 * the latest {@link #KEPT} or so (an older finished restore is forgotten when a new one is recorded).
 */
@ApplicationScoped
public class KnownRestores {

    static final int KEPT = 1000;

    private final Map<String, RestoreRun> runs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RestoreRun> eldest) {
            return size() > KEPT && eldest.getValue().finished();
        }
    };

    /** The restore of that id, if this replica knows it. */
    public synchronized Optional<RestoreRun> find(String restoreId) {
        return Optional.ofNullable(runs.get(restoreId));
    }

    /** Every restore this replica knows, the newest accepted first. */
    public synchronized List<RestoreRun> all() {
        List<RestoreRun> all = new ArrayList<>(runs.values());
        Collections.reverse(all);
        return all;
    }

    /** Records a restore unless one of its id is known already; returns the one that holds the id. */
    public synchronized RestoreRun record(RestoreRun run) {
        RestoreRun known = runs.putIfAbsent(run.restoreId(), run);
        return known != null ? known : run;
    }
}
