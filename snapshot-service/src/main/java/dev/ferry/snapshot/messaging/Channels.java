package dev.ferry.snapshot.messaging;

/** The service's messaging channels; application.properties maps each to its topic. */
public final class Channels {

    /** Backup commands from other systems. */
    public static final String BACKUP_REQUESTED = "backup-requested";
    /** Downstream progress, read to show each volume's state. */
    public static final String VHD_EXPORTED = "vhd-exported";
    public static final String SNAPSHOT_RECREATED = "snapshot-recreated";
    public static final String STEP_FAILED_IN = "step-failed-in";
    /** How far each volume's transfer has got, or why it waits. */
    public static final String TRANSFER_PROGRESSED = "transfer-progressed";

    private Channels() {
    }
}
