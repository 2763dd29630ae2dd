package dev.ferry.localcloud.csi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The work queue's promises, as a controller's: keys in parallel, one key never twice at once, a queued key once. */
class WorkQueueTest {

    private static final long WAIT_SECONDS = 10;

    @Test
    void differentKeysRunAtTheSameTime() throws InterruptedException {
        try (WorkQueue queue = new WorkQueue("test", 4)) {
            CountDownLatch bothRunning = new CountDownLatch(2);
            CountDownLatch done = new CountDownLatch(2);
            for (String key : new String[] {"vs:shop/a", "vs:shop/b"}) {
                queue.submit(key, () -> {
                    bothRunning.countDown();
                    await(bothRunning);
                    done.countDown();
                });
            }
            assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("each task saw the other running").isTrue();
        }
    }

    @Test
    void aKeyQueuedWhileItRunsRunsAgainAfterNeverAlongside() throws InterruptedException {
        try (WorkQueue queue = new WorkQueue("test", 4)) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger mostInside = new AtomicInteger();
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch twice = new CountDownLatch(2);
            Runnable task = () -> {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                if (runs.incrementAndGet() == 1) {
                    firstStarted.countDown();
                    await(release);
                }
                inside.decrementAndGet();
                twice.countDown();
            };
            queue.submit("vs:shop/a", task);
            assertThat(firstStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            queue.submit("vs:shop/a", task);
            queue.submit("vs:shop/a", task);
            release.countDown();

            assertThat(twice.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("it ran again after the first run").isTrue();
            Thread.sleep(200);
            assertThat(runs).as("queued twice while running: one more run").hasValue(2);
            assertThat(mostInside).as("never two runs of one key at once").hasValue(1);
        }
    }

    @Test
    void aKeyQueuedSeveralTimesBeforeItRunsRunsOnce() throws InterruptedException {
        try (WorkQueue queue = new WorkQueue("test", 1)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch blockerDone = new CountDownLatch(1);
            queue.submit("vs:shop/blocker", () -> {
                await(release);
                blockerDone.countDown();
            });
            AtomicInteger runs = new AtomicInteger();
            for (int i = 0; i < 3; i++) {
                queue.submit("vs:shop/a", runs::incrementAndGet);
            }
            release.countDown();
            assertThat(blockerDone.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);

            assertThat(runs).hasValue(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("waited " + WAIT_SECONDS + " s in vain");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
