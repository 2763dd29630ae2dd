package dev.ferry.restore.messaging;

/**
 * The service's incoming channels; application.properties maps each to its topic. Events go out
 * through service-support's publisher, on its one channel.
 */
public final class Channels {

    public static final String SNAPSHOT_RECREATED = "snapshot-recreated";
    public static final String RESTORE_REQUESTED = "restore-requested";
    /** Followed for the progress of backups on their way to region B (ProgressConsumer), in groups of their own. */
    public static final String SNAPSHOT_TAKEN = "snapshot-taken";
    public static final String TRANSFER_PROGRESSED = "transfer-progressed";
    public static final String VHD_EXPORTED = "vhd-exported";
    public static final String STEP_FAILED = "step-failed";

    private Channels() {
    }
}
