package dev.ferry.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.restore.catalog.Entries;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KnownRestoresTest {

    private static final Instant T = Instant.parse("2026-11-24T00:00:00Z");

    private final KnownRestores known = new KnownRestores();

    @Test
    void theFirstRestoreRecordedUnderAnIdKeepsIt() {
        RestoreRun first = run("r1");

        assertThat(known.record(first)).isSameAs(first);
        assertThat(known.record(run("r1"))).isSameAs(first);
        assertThat(known.find("r1")).containsSame(first);
        assertThat(known.find("r2")).isEmpty();
    }

    @Test
    void theOldestFinishedRestoreIsForgottenBeyondTheKeptNumber() {
        RestoreRun oldest = finished(run("r0"));
        known.record(oldest);
        for (int i = 1; i < KnownRestores.KEPT; i++) {
            known.record(finished(run("r" + i)));
        }
        assertThat(known.find("r0")).containsSame(oldest);

        known.record(run("r-new"));

        assertThat(known.find("r0")).isEmpty();
        assertThat(known.find("r1")).isPresent();
    }

    @Test
    void anUnfinishedRestoreIsNeverForgotten() {
        known.record(run("r0"));
        for (int i = 1; i <= KnownRestores.KEPT; i++) {
            known.record(finished(run("r" + i)));
        }

        assertThat(known.find("r0")).isPresent();
    }

    private static RestoreRun run(String restoreId) {
        return new RestoreRun(new RestorePlan(Requests.restore(restoreId).of("b1").build(), Entries.point("b1", "manual", 1, 1, T), "shop",
                Map.of(0, "managed-csi"), Set.of(), T));
    }

    private static RestoreRun finished(RestoreRun run) {
        run.failed("BindTimeout", "not bound", T);
        return run;
    }
}
