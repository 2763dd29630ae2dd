package dev.ferry.restore.messaging;

/**
 * The service's incoming channels; application.properties maps each to its topic. Events go out
 * through service-support's publisher, on its one channel.
 */
public final class Channels {

    public static final String SNAPSHOT_RECREATED = "snapshot-recreated";
    public static final String RESTORE_REQUESTED = "restore-requested";

    private Channels() {
    }
}
