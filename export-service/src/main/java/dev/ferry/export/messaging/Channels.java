package dev.ferry.export.messaging;

/**
 * The service's incoming channels; application.properties maps each to its topic. Events go out
 * through service-support's publisher, on its one channel.
 */
public final class Channels {

    public static final String SNAPSHOT_TAKEN = "snapshot-taken";

    private Channels() {
    }
}
