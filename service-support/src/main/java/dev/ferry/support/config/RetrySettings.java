package dev.ferry.support.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How often a step is tried before it gives up with {@code step.failed}, under {@code ferry.retry}. */
public interface RetrySettings {

    /** Attempts of one step, counting the first. Default 4. */
    @WithDefault("4")
    int maxAttempts();

    /** Wait before the second attempt, doubled before each later one. Default 2s. */
    @WithDefault("2s")
    Duration initialBackoff();
}
