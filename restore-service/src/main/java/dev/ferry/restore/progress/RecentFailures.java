package dev.ferry.restore.progress;

import dev.ferry.events.StepFailed;
import dev.ferry.restore.config.RestoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The newest failed steps ({@code ferry.step.failed}) of every service, backups and restores alike, at most
 * {@code ferry.progress.max-failures} of them, newest first. Kept in memory from the events alone.
 */
@ApplicationScoped
public class RecentFailures {

    private final Deque<Failure> failures = new ArrayDeque<>();
    private final int max;

    @Inject
    public RecentFailures(RestoreConfig config) {
        this(config.progress().maxFailures());
    }

    RecentFailures(int max) {
        this.max = max;
    }

    public synchronized void failed(StepFailed event) {
        failures.addFirst(Failure.of(event));
        while (failures.size() > max) {
            failures.removeLast();
        }
    }

    /** The failures kept, newest first. */
    public synchronized List<Failure> newestFirst() {
        return List.copyOf(failures);
    }

    /**
     * A failed step as the API shows it.
     *
     * @param namespace the source namespace of the failed volume; absent for a whole backup's step or a restore
     * @param pvcName   the failed volume's PVC, if the step was about one
     */
    public record Failure(Instant failedAt, String step, String backupId, String restoreId, String sourceCluster, String namespace,
                          String pvcName, String errorCode, String reason, boolean retryable, int attempts) {

        static Failure of(StepFailed event) {
            var volume = event.volume();
            return new Failure(event.failedAt(), event.step().wireName(), event.backupId(), event.restoreId(),
                    volume == null ? null : volume.sourceCluster(), volume == null ? null : volume.namespace(),
                    volume == null ? null : volume.pvc().name(), event.errorCode(), event.reason(), event.retryable(), event.attempts());
        }
    }
}
