package dev.ferry.snapshot.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.events.TransferStrategy;
import dev.ferry.snapshot.BackupExecution;
import dev.ferry.snapshot.BackupRun;
import dev.ferry.snapshot.InMemoryVolumeSnapshotter;
import dev.ferry.snapshot.SnapshotConfigs;
import dev.ferry.snapshot.config.SnapshotConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Background runs: never more at once than {@code ferry.runs.max-concurrent}, each followed by its own after-step, none after shutdown. */
class BackupRunnerTest {

    private static final SnapshotConfig CONFIG = SnapshotConfigs.of(Map.of("ferry.runs.max-concurrent", "2"));

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final Map<String, String> executedOn = new ConcurrentHashMap<>();
    private final Map<String, String> afterOn = new ConcurrentHashMap<>();
    private final CountDownLatch firstTwoRunning = new CountDownLatch(2);

    @Test
    void atMostMaxConcurrentRunsExecuteAtOnceAndEachThenRunsItsAfterStepOnItsThread() throws InterruptedException {
        BackupRunner runner = new BackupRunner(new SlowExecution(), CONFIG);
        CountDownLatch done = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            String backupId = "b" + i;
            runner.executeInBackground(run(backupId), () -> {
                afterOn.put(backupId, Thread.currentThread().getName());
                done.countDown();
            });
        }

        assertThat(done.await(10, TimeUnit.SECONDS)).as("every run and its after-step").isTrue();
        assertThat(mostAtOnce.get()).isEqualTo(2);
        assertThat(afterOn).hasSize(5).isEqualTo(executedOn);
        runner.stop();
    }

    @Test
    void aRunStartedAfterShutdownIsRejected() {
        BackupRunner runner = new BackupRunner(new SlowExecution(), CONFIG);
        runner.stop();

        assertThatThrownBy(() -> runner.executeInBackground(run("late"))).isInstanceOf(RejectedExecutionException.class);
    }

    private static BackupRun run(String backupId) {
        return BackupRun.rebuilt(backupId, backupId, "shop", "manual", TransferStrategy.VHD_FULL, Instant.EPOCH, null);
    }

    /** An execution that takes a moment, counts how many run at once and notes its thread. */
    private final class SlowExecution extends BackupExecution {

        SlowExecution() {
            // No event is sent: execute is replaced.
            super(CONFIG, new InMemoryVolumeSnapshotter(), id -> Optional.empty(), null, new SimpleMeterRegistry(), Clock.systemUTC());
        }

        @Override
        public void execute(BackupRun run) {
            executedOn.put(run.backupId(), Thread.currentThread().getName());
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                // The first two wait for each other, so two at once is certain, not a matter of timing; each run then
                // stays a moment, in which a third one started past the limit would be counted.
                firstTwoRunning.countDown();
                firstTwoRunning.await(5, TimeUnit.SECONDS);
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
        }
    }
}
