package dev.ferry.support.wait;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Threads waiting for named objects to reach a state, released by whoever watches those objects (a
 * Kubernetes informer's event handler): many waits share one watch instead of opening one each.
 *
 * @param <T> the objects' type
 */
public final class KeyedWaits<T> {

    private final Predicate<T> reached;
    private final Map<String, List<CompletableFuture<Optional<T>>>> waiting = new ConcurrentHashMap<>();

    /** @param reached the state a wait is for */
    public KeyedWaits(Predicate<T> reached) {
        this.reached = reached;
    }

    /**
     * Waits until the object named {@code key} is in the state, or gone.
     *
     * @param current the object as the watcher knows it now, or null; looked at once the wait is in place, so a
     *                change between the two is not missed; it may call {@link #gone} for the key, which ends this
     *                wait too
     * @return the object in the state, or empty once it is gone
     * @throws TimeoutException     if {@code atMost} passed first
     * @throws InterruptedException if the thread was interrupted
     */
    public Optional<T> await(String key, Supplier<T> current, Duration atMost) throws TimeoutException, InterruptedException {
        CompletableFuture<Optional<T>> wait = new CompletableFuture<>();
        waiting.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(wait);
        try {
            T now = current.get();
            if (now != null && reached.test(now)) {
                return Optional.of(now);
            }
            return wait.get(Math.max(1, atMost.toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the wait for " + key + " failed", e.getCause());
        } finally {
            waiting.computeIfPresent(key, (k, list) -> {
                list.remove(wait);
                return list.isEmpty() ? null : list;
            });
        }
    }

    /** The watcher saw the object change: releases its waits if it is in the state. */
    public void changed(String key, T object) {
        if (reached.test(object)) {
            release(key, Optional.of(object));
        }
    }

    /** The watcher saw the object deleted: releases its waits with nothing. */
    public void gone(String key) {
        release(key, Optional.empty());
    }

    private void release(String key, Optional<T> outcome) {
        List<CompletableFuture<Optional<T>>> waits = waiting.get(key);
        if (waits != null) {
            waits.forEach(w -> w.complete(outcome));
        }
    }
}
