package dev.ferry.snapshot;

import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.StepFailed;

/** Where a backup run announces its results; each call returns once the broker has the event. */
public interface BackupEvents {

    void snapshotTaken(SnapshotTaken event);

    void stepFailed(StepFailed event);
}
