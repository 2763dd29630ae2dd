package dev.ferry.export.messaging;

/** The service's messaging channels; application.properties maps each to its topic. */
public final class Channels {

    public static final String SNAPSHOT_TAKEN = "snapshot-taken";
    public static final String VHD_EXPORTED = "vhd-exported";
    public static final String TRANSFER_PROGRESSED = "transfer-progressed";
    public static final String STEP_FAILED = "step-failed";

    private Channels() {
    }
}
