package dev.ferry.snapshot;

import static dev.ferry.snapshot.InMemoryVolumeSnapshotter.ready;
import static dev.ferry.snapshot.InMemoryVolumeSnapshotter.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which earlier snapshots of a PVC may be the base of an incremental transfer. */
class BaseSnapshotFinderTest {

    private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
    private static final String UID = "0b4c1a9e-6f3d-4e2a-8c7b-5d9e0f1a2b3c";

    @Test
    void aSnapshotBeingDeletedIsNoBaseThoughItStillLooksReady() {
        SnapshotState older = ready("shop", "older", UID, T0, Map.of());
        SnapshotState terminating = state("shop", "terminating", UID, T0.plusSeconds(60), Map.of(), true, true);
        SnapshotState inProgress = state("shop", "in-progress", UID, T0.plusSeconds(90), Map.of(), false, false);
        SnapshotState current = state("shop", "current", UID, T0.plusSeconds(120), Map.of(), true, false);
        SnapshotState later = ready("shop", "later", UID, T0.plusSeconds(180), Map.of());

        assertThat(BaseSnapshotFinder.baseCandidates(List.of(older, terminating, inProgress, current, later), current))
                .extracting(SnapshotState::name).containsExactly("older");
    }
}
