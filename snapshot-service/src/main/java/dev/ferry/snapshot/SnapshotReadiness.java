package dev.ferry.snapshot;

import dev.ferry.snapshot.VolumeSnapshotter.ContentState;
import dev.ferry.snapshot.VolumeSnapshotter.SnapshotState;
import dev.ferry.snapshot.config.SnapshotConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits for a VolumeSnapshot to become readyToUse with the Azure snapshot behind it known, until the
 * run's deadline: the VolumeSnapshot is watched ({@link VolumeSnapshotter#awaitSettled}), each watch
 * lasting at most {@code ferry.snapshot.poll-interval} before the snapshot is read again, so a change
 * is seen as it happens and a missed watch event costs one interval at most.
 */
final class SnapshotReadiness {

    /** A ready snapshot and its content, which names the Azure snapshot. */
    record Ready(SnapshotState snapshot, ContentState content) {
    }

    private final VolumeSnapshotter snapshotter;
    private final SnapshotConfig.Snapshot settings;
    private final Clock clock;

    SnapshotReadiness(VolumeSnapshotter snapshotter, SnapshotConfig.Snapshot settings, Clock clock) {
        this.snapshotter = snapshotter;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The snapshot and its content once it is ready and the content names the Azure snapshot.
     *
     * @throws VolumeFailed if it failed, was deleted, or is not ready by the deadline
     */
    Ready awaitReady(Claim claim, SnapshotState created, Instant deadline) {
        SnapshotState snapshot = created;
        while (true) {
            boolean late = !clock.instant().isBefore(deadline);
            if (late && snapshot == created) {
                // The wait for an earlier volume used the time up: one fresh look before giving up on this one.
                snapshot = reread(claim, snapshot.name());
            }
            if (snapshot.error() != null) {
                throw new VolumeFailed("SnapshotFailed", "VolumeSnapshot " + claim.namespace() + "/" + snapshot.name() + " of PVC "
                        + claim.name() + " failed: " + snapshot.error(), false);
            }
            if (snapshot.readyToUse() && snapshot.contentName() != null) {
                Optional<ContentState> content = snapshotter.content(snapshot.contentName());
                if (content.isPresent() && content.get().snapshotHandle() != null) {
                    return new Ready(snapshot, content.get());
                }
            }
            if (late) {
                throw new VolumeFailed("SnapshotNotReady", "VolumeSnapshot " + claim.namespace() + "/" + snapshot.name() + " of PVC "
                        + claim.name() + " was not readyToUse within " + settings.readyTimeout() + ".", true);
            }
            if (snapshot.settled()) {
                pause(settings.pollInterval());
                snapshot = reread(claim, snapshot.name());
            } else {
                // A watch may miss a change made between its list and its start (the test mock does): look again at least
                // every poll interval.
                Duration left = Duration.between(clock.instant(), deadline);
                Duration watch = left.compareTo(settings.pollInterval()) < 0 ? left : settings.pollInterval();
                snapshot = awaitSettled(claim, snapshot.name(), watch);
            }
        }
    }

    private SnapshotState reread(Claim claim, String name) {
        return snapshotter.find(claim.namespace(), name).orElseThrow(() -> deleted(claim, name));
    }

    private SnapshotState awaitSettled(Claim claim, String name, Duration atMost) {
        return snapshotter.awaitSettled(claim.namespace(), name, atMost).orElseThrow(() -> deleted(claim, name));
    }

    private static VolumeFailed deleted(Claim claim, String name) {
        return new VolumeFailed("SnapshotDeleted", "VolumeSnapshot " + claim.namespace() + "/" + name
                + " was deleted while the backup waited for it.", true);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VolumeFailed("Interrupted", "interrupted while waiting for the snapshot", true);
        }
    }
}
