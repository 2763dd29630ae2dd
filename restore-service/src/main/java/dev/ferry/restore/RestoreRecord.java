package dev.ferry.restore;

import dev.ferry.events.RestoredVolume;
import java.time.Instant;
import java.util.List;

/**
 * A restore as the {@link RestoreLedger} keeps it: its plan (the request, the restore point it resolved to, where and with
 * which storage classes), how far it got, and whether its outcome was reported ({@code ferry.restore.completed} or
 * {@code ferry.step.failed} sent).
 */
public record RestoreRecord(RestorePlan plan, RestoreRun.State state, List<RestoredVolume> volumes, Instant completedAt,
                            String errorCode, String error, boolean reported) {

    public RestoreRecord {
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    public String restoreId() {
        return plan.restoreId();
    }

    public boolean finished() {
        return state == RestoreRun.State.COMPLETED || state == RestoreRun.State.FAILED;
    }
}
