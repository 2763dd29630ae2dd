package dev.ferry.support.wait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class KeyedWaitsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final KeyedWaits<String> waits = new KeyedWaits<>("ready"::equals);

    @Test
    void aWaitEndsWhenItsObjectReachesTheStateAndNotBeforeNorForAnother() throws Exception {
        CompletableFuture<Optional<String>> wait = CompletableFuture.supplyAsync(() -> await("shop/a"));
        Thread.sleep(100);
        waits.changed("shop/a", "pending");
        waits.changed("shop/b", "ready");
        Thread.sleep(100);
        assertThat(wait).isNotDone();

        waits.changed("shop/a", "ready");

        assertThat(wait.get(5, TimeUnit.SECONDS)).contains("ready");
    }

    @Test
    void anObjectAlreadyInTheStateEndsTheWaitAtOnceAndAGoneOneEndsItEmpty() throws Exception {
        assertThat(waits.await("shop/a", () -> "ready", LONG)).contains("ready");

        CompletableFuture<Optional<String>> wait = CompletableFuture.supplyAsync(() -> await("shop/b"));
        Thread.sleep(100);
        waits.gone("shop/b");
        assertThat(wait.get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aWaitNobodyEndsTimesOut() {
        assertThatThrownBy(() -> waits.await("shop/a", () -> "pending", Duration.ofMillis(100))).isInstanceOf(TimeoutException.class);
    }

    private Optional<String> await(String key) {
        try {
            return waits.await(key, () -> null, LONG);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
