package dev.ferry.restore.messaging;

/** The service's SmallRye channel names; their topics are in application.properties. */
public final class Channels {

    public static final String SNAPSHOT_RECREATED = "snapshot-recreated";
    public static final String RESTORE_REQUESTED = "restore-requested";
    public static final String RESTORE_COMPLETED = "restore-completed";
    public static final String STEP_FAILED = "step-failed";

    private Channels() {
    }
}
