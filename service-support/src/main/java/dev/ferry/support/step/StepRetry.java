package dev.ferry.support.step;

import dev.ferry.support.azure.AzureCallFailed;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Tries a step while Azure may still succeed: an {@link AzureCallFailed} that is retryable is tried
 * again after a wait that doubles each time, up to a number of attempts; a {@link StepRefused} or a
 * final failure ends in {@link GiveUp}, which the caller turns into a {@code StepFailed}.
 */
public final class StepRetry {

    private static final Logger LOG = Logger.getLogger(StepRetry.class);

    /** One attempt of the step, numbered from 1. */
    @FunctionalInterface
    public interface Attempt {
        void run(int attempt) throws Exception;
    }

    /** The step gave up: Azure's (or the refusal's) code and message, whether a later try may succeed, attempts made. */
    @FunctionalInterface
    public interface GiveUp {
        void accept(String code, String reason, boolean retryable, int attempts);
    }

    /** The wait between two attempts; returns true when it was cut short because the service is stopping. */
    @FunctionalInterface
    public interface Pause {
        boolean stoppedDuring(Duration wait) throws InterruptedException;
    }

    /** Sleeps; only an interrupt ends it early. */
    public static final Pause SLEEP = wait -> {
        Thread.sleep(wait.toMillis());
        return false;
    };

    private StepRetry() {
    }

    /**
     * Runs the step until it succeeds or gives up, sleeping between attempts.
     *
     * @param what names the step in the log, e.g. {@code import}
     * @throws StepInterrupted if the service stops while the step waits to try again
     */
    public static void run(String what, int maxAttempts, Duration initialBackoff, Attempt attempt, GiveUp giveUp) {
        run(what, maxAttempts, initialBackoff, SLEEP, attempt, giveUp);
    }

    /**
     * Runs the step until it succeeds or gives up, waiting between attempts with {@code pause}.
     *
     * @throws StepInterrupted if the service stops while the step waits to try again
     */
    public static void run(String what, int maxAttempts, Duration initialBackoff, Pause pause, Attempt attempt,
                           GiveUp giveUp) {
        Duration backoff = initialBackoff;
        for (int n = 1; ; n++) {
            try {
                attempt.run(n);
                return;
            } catch (StepRefused e) {
                giveUp.accept(e.code(), e.getMessage(), false, n);
                return;
            } catch (AzureCallFailed e) {
                if (!e.retryable() || n >= maxAttempts) {
                    giveUp.accept(e.code(), e.getMessage(), e.retryable(), n);
                    return;
                }
                LOG.warnf("%s attempt %d of %d failed (%s, HTTP %d); retrying in %s", what, n, maxAttempts, e.code(), e.status(), backoff);
                pause(pause, backoff);
                backoff = backoff.multipliedBy(2);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("the " + what + " step failed unexpectedly", e);
            }
        }
    }

    private static void pause(Pause pause, Duration duration) {
        try {
            if (pause.stoppedDuring(duration)) {
                throw new StepInterrupted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepInterrupted();
        }
    }
}
