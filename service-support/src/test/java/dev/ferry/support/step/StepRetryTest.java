package dev.ferry.support.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.support.azure.AzureCallFailed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StepRetryTest {

    private final List<String> gaveUp = new ArrayList<>();

    @Test
    void aThrottledStepIsTriedAgainUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        StepRetry.run("test", 4, Duration.ofMillis(1), attempt -> {
            if (calls.incrementAndGet() < 3) {
                throw new AzureCallFailed("TooManyRequests", 429, "slow down", null);
            }
        }, this::giveUp);
        assertThat(calls).hasValue(3);
        assertThat(gaveUp).isEmpty();
    }

    @Test
    void aStepGivesUpAfterItsAttemptsWithTheLastFailure() {
        StepRetry.run("test", 3, Duration.ofMillis(1), attempt -> {
            throw new AzureCallFailed("ServerBusy", 503, "busy " + attempt, null);
        }, this::giveUp);
        assertThat(gaveUp).containsExactly("ServerBusy|busy 3|true|3");
    }

    @Test
    void badInputIsNotTriedAgain() {
        StepRetry.run("test", 4, Duration.ofMillis(1), attempt -> {
            throw new AzureCallFailed("InvalidParameter", 400, "no", null);
        }, this::giveUp);
        StepRetry.run("test", 4, Duration.ofMillis(1), attempt -> {
            throw new StepRefused("NotAllowed", "refused");
        }, this::giveUp);
        assertThat(gaveUp).containsExactly("InvalidParameter|no|false|1", "NotAllowed|refused|false|1");
    }

    @Test
    void aStopWhileWaitingLeavesTheStepUndecided() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> StepRetry.run("test", 4, Duration.ofSeconds(5), attempt -> {
                throw new AzureCallFailed("ServerBusy", 503, "busy", null);
            }, this::giveUp)).isInstanceOf(StepInterrupted.class);
            assertThat(gaveUp).isEmpty();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aPauseCutShortByAStopLeavesTheStepUndecided() {
        List<Duration> waits = new ArrayList<>();

        assertThatThrownBy(() -> StepRetry.run("test", 4, Duration.ofSeconds(5), wait -> {
            waits.add(wait);
            return true;
        }, attempt -> {
            throw new AzureCallFailed("ServerBusy", 503, "busy", null);
        }, this::giveUp)).isInstanceOf(StepInterrupted.class);

        assertThat(waits).containsExactly(Duration.ofSeconds(5));
        assertThat(gaveUp).isEmpty();
    }

    @Test
    void aFailureWorthAnotherAttemptIsTriedAgainWhateverItsStatus() {
        AtomicInteger attempts = new AtomicInteger();

        StepRetry.run("test", 3, Duration.ZERO, wait -> false, attempt -> {
            attempts.incrementAndGet();
            throw AzureCallFailed.worthAnotherAttempt("Conflict", 409, "copy resumes on the next attempt", null);
        }, this::giveUp);

        assertThat(attempts).hasValue(3);
        assertThat(gaveUp).containsExactly("Conflict|copy resumes on the next attempt|true|3");
    }

    private void giveUp(String code, String reason, boolean retryable, int attempts) {
        gaveUp.add(code + "|" + reason + "|" + retryable + "|" + attempts);
    }
}
