package dev.ferry.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The settings every service has under {@code ferry.}, beside its own mapping of that prefix: which
 * cluster it runs beside and how it sends events.
 */
@ConfigMapping(prefix = "ferry")
public interface ServiceSettings {

    /** The cluster this replica runs on or beside, in the CloudEvents source of its events; each service's properties set it. */
    String cluster();

    Messaging messaging();

    /** How events are sent. */
    interface Messaging {

        /** How long a send waits for the broker's acknowledgement before the step counts it failed. Default 30s. */
        @WithDefault("30s")
        Duration sendTimeout();
    }
}
