package dev.ferry.restore.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which restore points of one source cluster, namespace and policy to delete: the complete ones
 * beyond the newest {@code keep}, and partial ones that will never complete (older than
 * {@code partialMaxAge} and older than the newest complete one). A pure function.
 */
public final class RestorePointRetentionPlan {

    private RestorePointRetentionPlan() {
    }

    /**
     * @param group the restore points of one source cluster, namespace and policy, in any order
     * @param keep  how many complete restore points to keep; 0 keeps all
     */
    public static List<RestorePoint> doomed(List<RestorePoint> group, int keep, Duration partialMaxAge, Instant now) {
        List<RestorePoint> sorted = new ArrayList<>(group);
        sorted.sort(RestorePoint.NEWEST_FIRST);
        List<RestorePoint> doomed = new ArrayList<>();
        int completeSeen = 0;
        Optional<Instant> newestComplete = sorted.stream().filter(RestorePoint::complete).map(RestorePoint::recoveryPointAt).findFirst();
        for (RestorePoint point : sorted) {
            if (point.complete()) {
                completeSeen++;
                if (keep > 0 && completeSeen > keep) {
                    doomed.add(point);
                }
            } else if (newestComplete.isPresent() && point.recoveryPointAt().isBefore(newestComplete.get())
                    && point.recordedAt().plus(partialMaxAge).isBefore(now)) {
                doomed.add(point);
            }
        }
        return doomed;
    }
}
