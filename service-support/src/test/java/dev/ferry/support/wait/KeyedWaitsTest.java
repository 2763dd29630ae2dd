package dev.ferry.support.wait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class KeyedWaitsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final KeyedWaits<String> waits = new KeyedWaits<>("ready"::equals);

    @Test
    void aWaitEndsWhenItsObjectReachesTheStateAndNotBeforeNorForAnother() throws Exception {
        CountDownLatch inPlace = new CountDownLatch(1);
        CompletableFuture<Optional<String>> wait = CompletableFuture.supplyAsync(() -> await("shop/a", inPlace));
        assertThat(inPlace.await(5, TimeUnit.SECONDS)).as("the wait is in place").isTrue();
        // Releases happen on the caller's thread: once these return, a wrongly released wait would be done.
        waits.changed("shop/a", "pending");
        waits.changed("shop/b", "ready");
        assertThat(wait).isNotDone();

        waits.changed("shop/a", "ready");

        assertThat(wait.get(5, TimeUnit.SECONDS)).contains("ready");
    }

    @Test
    void anObjectAlreadyInTheStateEndsTheWaitAtOnceAndAGoneOneEndsItEmpty() throws Exception {
        assertThat(waits.await("shop/a", () -> "ready", LONG)).contains("ready");

        CountDownLatch inPlace = new CountDownLatch(1);
        CompletableFuture<Optional<String>> wait = CompletableFuture.supplyAsync(() -> await("shop/b", inPlace));
        assertThat(inPlace.await(5, TimeUnit.SECONDS)).as("the wait is in place").isTrue();
        waits.gone("shop/b");
        assertThat(wait.get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aWaitNobodyEndsTimesOut() {
        assertThatThrownBy(() -> waits.await("shop/a", () -> "pending", Duration.ofMillis(100))).isInstanceOf(TimeoutException.class);
    }

    /** Waits for {@code key}; {@code inPlace} opens when the wait looks at the current object, which it does once registered. */
    private Optional<String> await(String key, CountDownLatch inPlace) {
        try {
            return waits.await(key, () -> {
                inPlace.countDown();
                return null;
            }, LONG);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
