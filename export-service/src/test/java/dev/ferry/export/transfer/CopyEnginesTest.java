package dev.ferry.export.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.export.ByteRange;
import dev.ferry.export.InMemoryBlobs;
import dev.ferry.export.StorageCallFailed;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CopyEnginesTest {

    private static final int MIB = 1024 * 1024;
    private static final long DISK = 64L * MIB;
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5));

    private final InMemoryBlobs blobs = InMemoryBlobs.sourceAndDestination(DISK);
    private final AtomicLong clock = new AtomicLong();

    private CopyEngine engine(CopyEngineKind kind, Duration progressInterval) {
        ChunkScheduler scheduler = new ChunkScheduler(FAST, progressInterval, clock::get);
        return kind == CopyEngineKind.STREAMING ? new StreamingCopyEngine(scheduler) : new ServerSideCopyEngine(scheduler);
    }

    private List<ByteRange> writeScattered() {
        Random random = new Random(5);
        for (int i = 0; i < 20; i++) {
            byte[] data = new byte[512 * (1 + random.nextInt(4096))];
            random.nextBytes(data);
            blobs.source().write(512L * random.nextInt((int) (DISK / 512) - 4096), data);
        }
        return new PageRangePlanner(4 * MIB).plan(DISK, blobs.source().pageRanges(new ByteRange(0, DISK)), List.of()).chunks();
    }

    private CopyJob job(List<ByteRange> chunks, int parallelism, ProgressListener progress, Cancellation cancellation) {
        long total = chunks.stream().mapToLong(ByteRange::length).sum();
        return new CopyJob(blobs.source(), blobs.destination(), chunks, parallelism, 0, total, progress, cancellation);
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void copiesEveryChunkToTheSameOffsetWithBoundedParallelism(CopyEngineKind kind) {
        List<ByteRange> chunks = writeScattered();
        CopyResult result = engine(kind, Duration.ZERO).copy(job(chunks, 3, null, null));

        assertThat(result.chunksCopied()).isEqualTo(chunks.size());
        assertThat(result.bytesCopied()).isEqualTo(chunks.stream().mapToLong(ByteRange::length).sum());
        assertThat(result.bytesRead()).isEqualTo(kind == CopyEngineKind.STREAMING ? result.bytesCopied() : 0);
        for (ByteRange range : blobs.source().pageRanges(new ByteRange(0, DISK))) {
            assertThat(blobs.destination().read(range.start(), (int) range.length()))
                    .isEqualTo(blobs.source().read(range.start(), (int) range.length()));
        }
        assertThat(blobs.destination().maxInFlight.get()).isBetween(1, 3);
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void transientFailuresAreRetriedAndCounted(CopyEngineKind kind) {
        List<ByteRange> chunks = writeScattered();
        String operation = kind == CopyEngineKind.STREAMING ? "read" : "putFromUrl";
        (kind == CopyEngineKind.STREAMING ? blobs.source() : blobs.destination())
                .failNext(operation, new StorageCallFailed("x", 503, "ServerBusy", Duration.ofMillis(2), null), 2);
        // The streaming engine also writes: a Put Page refused after its data was sent is retried, after
        // reading its chunk again (the worker's buffer may hold its next chunk by then).
        blobs.destination().failNext("put", new StorageCallFailed("x", 429, "TooManyRequests", null, null), 1);

        CopyResult result = engine(kind, Duration.ZERO).copy(job(chunks, 2, null, null));

        assertThat(result.chunksCopied()).isEqualTo(chunks.size());
        assertThat(result.retries()).isEqualTo(kind == CopyEngineKind.STREAMING ? 3 : 2);
        for (ByteRange range : blobs.source().pageRanges(new ByteRange(0, DISK))) {
            assertThat(blobs.destination().read(range.start(), (int) range.length()))
                    .isEqualTo(blobs.source().read(range.start(), (int) range.length()));
        }
        if (kind == CopyEngineKind.STREAMING) {
            assertThat(result.bytesRead()).isGreaterThanOrEqualTo(result.bytesCopied())
                    .isLessThanOrEqualTo(result.bytesCopied() + 4L * MIB);
        }
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void aPermanentFailureOrExhaustedRetriesStopTheCopy(CopyEngineKind kind) {
        List<ByteRange> chunks = writeScattered();
        // The service keeps refusing: some chunk runs out of its 3 attempts.
        blobs.destination().failNext(kind == CopyEngineKind.STREAMING ? "put" : "putFromUrl",
                new StorageCallFailed("Put Page", 503, "ServerBusy", null, null), 100);
        assertThatThrownBy(() -> engine(kind, Duration.ZERO).copy(job(chunks, 1, null, null)))
                .isInstanceOf(StorageCallFailed.class).hasMessage("Put Page failed: HTTP 503 ServerBusy");
        blobs.destination().clearFailures();

        blobs.destination().failNext(kind == CopyEngineKind.STREAMING ? "put" : "putFromUrl",
                new StorageCallFailed("Put Page", 403, "AuthorizationFailure", null, null), 1);
        assertThatThrownBy(() -> engine(kind, Duration.ZERO).copy(job(chunks, 1, null, null)))
                .isInstanceOf(StorageCallFailed.class).hasMessageContaining("403");
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void aCancelledCopyStopsTakingChunksAndSaysSo(CopyEngineKind kind) {
        List<ByteRange> chunks = writeScattered();
        Cancellation cancellation = new Cancellation();
        ProgressListener cancelAfterFirst = (done, total) -> {
            if (done > 0) {
                cancellation.cancel("test");
            }
        };
        assertThatThrownBy(() -> engine(kind, Duration.ZERO).copy(job(chunks, 1, cancelAfterFirst, cancellation)))
                .isInstanceOf(TransferCancelledException.class);
        // A streaming worker has started its next chunk before the first one's answer counts; it finishes that one.
        assertThat(blobs.destination().putRanges).hasSize(kind == CopyEngineKind.STREAMING ? 2 : 1);
    }

    @ParameterizedTest
    @EnumSource(CopyEngineKind.class)
    void progressIsReportedAtMostOncePerIntervalAndAtTheEnd(CopyEngineKind kind) {
        List<ByteRange> chunks = writeScattered();
        List<long[]> reports = new CopyOnWriteArrayList<>();
        // The clock moves 1 s per report asked for; the interval is 5 s.
        ProgressListener listener = (done, total) -> reports.add(new long[] {done, total});
        ChunkScheduler scheduler = new ChunkScheduler(FAST, Duration.ofSeconds(5), () -> clock.addAndGet(1_000_000_000L));
        CopyEngine engine = kind == CopyEngineKind.STREAMING ? new StreamingCopyEngine(scheduler) : new ServerSideCopyEngine(scheduler);
        long total = chunks.stream().mapToLong(ByteRange::length).sum();

        engine.copy(new CopyJob(blobs.source(), blobs.destination(), chunks, 1, 0, total, listener, null));

        assertThat(reports.get(0)).containsExactly(0, total);
        assertThat(reports.get(reports.size() - 1)).containsExactly(total, total);
        assertThat(reports.size()).isLessThanOrEqualTo(2 + chunks.size() / 5 + 1).isLessThan(chunks.size());
    }

    @Test
    void aCopyWhoseCallerIsInterruptedReturnsOnlyOnceEveryWorkerHasEnded() throws Exception {
        ChunkScheduler scheduler = new ChunkScheduler(FAST, Duration.ZERO, clock::get);
        List<ByteRange> chunks = List.of(ByteRange.ofLength(0, 512), ByteRange.ofLength(512, 512));
        AtomicInteger running = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(2);
        ChunkScheduler.ChunkAction slowToStop = (chunk, worker, calls) -> {
            running.incrementAndGet();
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // A call that notices the interrupt a moment late, as a blocking storage call does.
                long until = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            running.decrementAndGet();
            return ChunkScheduler.Pending.DONE;
        };
        AtomicInteger runningWhenReturned = new AtomicInteger(-1);
        Thread caller = new Thread(() -> {
            try {
                scheduler.run(job(chunks, 2, null, new Cancellation()), slowToStop);
            } catch (RuntimeException expected) {
                // cancelled
            }
            runningWhenReturned.set(running.get());
        });
        caller.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(10_000);

        assertThat(caller.isAlive()).isFalse();
        // Nothing of the copy runs on after it returned: its buffers may go to the next copy.
        assertThat(runningWhenReturned.get()).isZero();
    }

    @Test
    void copiesOfOneSchedulerShareItsRangesInFlightWithAndWithoutPendingEnds() throws Exception {
        ChunkScheduler scheduler = new ChunkScheduler(FAST, Duration.ZERO, clock::get, 3);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ChunkScheduler.ChunkAction action = (chunk, worker, calls) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            sleep(2);
            if (chunk.start() % (2 * 512) == 0) {
                // the end of this chunk's write comes later, after the worker has started its next chunk
                return () -> {
                    sleep(3);
                    inFlight.decrementAndGet();
                };
            }
            inFlight.decrementAndGet();
            return ChunkScheduler.Pending.DONE;
        };
        List<ByteRange> chunks = java.util.stream.IntStream.range(0, 40).mapToObj(i -> ByteRange.ofLength(i * 512L, 512)).toList();
        List<CopyResult> results = new CopyOnWriteArrayList<>();
        List<Thread> copies = new java.util.ArrayList<>();
        for (int c = 0; c < 3; c++) {
            Thread copy = new Thread(() -> results.add(scheduler.run(job(chunks, 4, null, null), action)));
            copy.start();
            copies.add(copy);
        }
        for (Thread copy : copies) {
            copy.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(copy.isAlive()).as("no copy waits for ever for a range").isFalse();
        }

        assertThat(results).hasSize(3).allSatisfy(r -> assertThat(r.chunksCopied()).isEqualTo(40));
        assertThat(most.get()).as("three copies of parallelism 4, three ranges between them").isEqualTo(3);
        assertThat(inFlight.get()).isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
