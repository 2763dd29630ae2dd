package dev.ferry.importer.messaging;

/** The service's messaging channels; application.properties maps each to its topic. */
public final class Channels {

    public static final String VHD_EXPORTED = "vhd-exported";
    public static final String SNAPSHOT_RECREATED = "snapshot-recreated";
    public static final String STEP_FAILED = "step-failed";

    private Channels() {
    }
}
