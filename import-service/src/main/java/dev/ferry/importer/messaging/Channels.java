package dev.ferry.importer.messaging;

/**
 * The service's incoming channels; application.properties maps each to its topic. Events go out
 * through service-support's publisher, on its one channel.
 */
public final class Channels {

    public static final String VHD_EXPORTED = "vhd-exported";

    private Channels() {
    }
}
