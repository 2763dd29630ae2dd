package dev.ferry.export.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.export.ByteRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageRangePlannerTest {

    private static final int MIB = 1024 * 1024;
    private static final int CHUNK = 4 * MIB;
    private static final long DISK = 1L << 30;
    private final PageRangePlanner planner = new PageRangePlanner(CHUNK);

    private static ByteRange r(long start, long end) {
        return new ByteRange(start, end);
    }

    @Test
    void anEmptyDiskNeedsNoChunk() {
        ChunkPlan plan = planner.plan(DISK, List.of(), List.of());
        assertThat(plan.chunks()).isEmpty();
        assertThat(plan.writtenBytes()).isZero();
        assertThat(plan.totalBytes()).isZero();
    }

    @Test
    void aSmallWriteIsCopiedAsItIsNotAsAWholeCell() {
        ChunkPlan plan = planner.plan(DISK, List.of(r(8 * MIB + 512, 8 * MIB + 1024)), List.of());
        assertThat(plan.chunks()).containsExactly(r(8 * MIB + 512, 8 * MIB + 1024));
        assertThat(plan.plannedBytes()).isEqualTo(512);
    }

    @Test
    void aLongRangeIsSplitAtTheChunkGrid() {
        ChunkPlan plan = planner.plan(DISK, List.of(r(MIB, 13L * MIB)), List.of());
        assertThat(plan.chunks()).containsExactly(r(MIB, 4 * MIB), r(4 * MIB, 8 * MIB), r(8 * MIB, 12 * MIB),
                r(12 * MIB, 13 * MIB));
        assertThat(plan.plannedBytes()).isEqualTo(12L * MIB).isEqualTo(plan.writtenBytes());
    }

    @Test
    void rangesInOneCellAreMergedIntoTheirHull() {
        ChunkPlan plan = planner.plan(DISK, List.of(r(4096, 8192), r(MIB, MIB + 512), r(3 * MIB, 3 * MIB + 4096)),
                List.of());
        assertThat(plan.chunks()).containsExactly(r(4096, 3 * MIB + 4096));
        assertThat(plan.writtenBytes()).isEqualTo(4096 + 512 + 4096);
    }

    @Test
    void adjacentAndOverlappingRangesInAnyOrderAreMerged() {
        ChunkPlan plan = planner.plan(DISK, List.of(r(6 * MIB, 9 * MIB), r(2 * MIB, 4 * MIB), r(4 * MIB, 6 * MIB),
                r(3 * MIB, 5 * MIB)), List.of());
        assertThat(plan.chunks()).containsExactly(r(2 * MIB, 4 * MIB), r(4 * MIB, 8 * MIB), r(8 * MIB, 9 * MIB));
        assertThat(plan.writtenBytes()).isEqualTo(7L * MIB);
    }

    @Test
    void chunksPresentAtTheDestinationAreSkippedAndPartlyPresentOnesAreCopiedWhole() {
        List<ByteRange> source = List.of(r(0, 16L * MIB));
        List<ByteRange> destination = List.of(r(0, 4 * MIB), r(4 * MIB, 8 * MIB), r(9 * MIB, 12 * MIB));
        ChunkPlan plan = planner.plan(DISK, source, destination);
        assertThat(plan.chunks()).containsExactly(r(8 * MIB, 12 * MIB), r(12 * MIB, 16 * MIB));
        assertThat(plan.skippedChunks()).isEqualTo(2);
        assertThat(plan.skippedBytes()).isEqualTo(8L * MIB);
        assertThat(plan.totalBytes()).isEqualTo(16L * MIB);
    }

    @Test
    void aChunkCoveredByOneMergedDestinationRangeIsSkipped() {
        ChunkPlan plan = planner.plan(DISK, List.of(r(MIB, 2 * MIB)), List.of(r(0, MIB + 512), r(MIB + 512, 3 * MIB)));
        assertThat(plan.chunks()).isEmpty();
        assertThat(plan.skippedChunks()).isEqualTo(1);
    }

    @Test
    void theServedFooterBeyondTheDiskIsIgnored() {
        ChunkPlan plan = planner.plan(DISK, List.of(r(DISK - 512, DISK + 512)), List.of());
        assertThat(plan.chunks()).containsExactly(r(DISK - 512, DISK));
    }

    @Test
    void aDiskThatIsNotAMultipleOfTheChunkHasAShortLastCell() {
        long disk = 6L * MIB;
        ChunkPlan plan = planner.plan(disk, List.of(r(0, disk)), List.of());
        assertThat(plan.chunks()).containsExactly(r(0, 4 * MIB), r(4 * MIB, 6 * MIB));
    }

    @Test
    void unalignedSourceRangesAndBadSizesAreRefused() {
        assertThatThrownBy(() -> planner.plan(DISK, List.of(r(100, 612)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512-aligned");
        assertThatThrownBy(() -> new PageRangePlanner(CHUNK + 512)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageRangePlanner(1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> planner.plan(1000, List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSmallerChunkSizeGivesSmallerChunks() {
        ChunkPlan plan = new PageRangePlanner(MIB).plan(DISK, List.of(r(0, 3L * MIB)), List.of());
        assertThat(plan.chunks()).hasSize(3).allMatch(c -> c.length() == MIB);
    }

    /** The rule, checked on random inputs against a page-by-page model. */
    @Test
    void randomPlansCoverExactlyTheWrittenPagesWithinTheBound() {
        Random random = new Random(42);
        long disk = 64L * MIB;
        int pages = (int) (disk / 512);
        for (int round = 0; round < 200; round++) {
            boolean[] written = new boolean[pages];
            boolean[] present = new boolean[pages];
            List<ByteRange> source = randomRanges(random, written, pages);
            List<ByteRange> destination = randomRanges(random, present, pages);
            ChunkPlan plan = planner.plan(disk, source, destination);

            boolean[] planned = new boolean[pages];
            long previousEnd = -1;
            for (ByteRange chunk : plan.chunks()) {
                assertThat(chunk.start()).isGreaterThanOrEqualTo(previousEnd);
                previousEnd = chunk.end();
                assertThat(chunk.length()).isBetween(1L, (long) CHUNK);
                assertThat(chunk.start() / CHUNK).as("one cell").isEqualTo((chunk.end() - 1) / CHUNK);
                for (long p = chunk.start() / 512; p < chunk.end() / 512; p++) {
                    planned[(int) p] = true;
                }
            }
            long writtenBytes = 0;
            java.util.Set<Long> writtenCells = new java.util.HashSet<>();
            for (int p = 0; p < pages; p++) {
                if (written[p]) {
                    writtenBytes += 512;
                    writtenCells.add((long) p * 512 / CHUNK);
                    // A written page left out of the plan must be held by the destination already.
                    if (!planned[p]) {
                        assertThat(present[p]).as("page %d is written, unplanned and absent", p).isTrue();
                    }
                }
            }
            assertThat(plan.writtenBytes()).isEqualTo(writtenBytes);
            assertThat(plan.totalBytes()).isLessThanOrEqualTo((long) writtenCells.size() * CHUNK);
            for (ByteRange chunk : plan.chunks()) {
                assertThat(written[(int) (chunk.start() / 512)]).as("a chunk starts on a written page").isTrue();
                assertThat(written[(int) (chunk.end() / 512) - 1]).as("a chunk ends on a written page").isTrue();
            }
        }
    }

    @Test
    void aDiffOfAHundredScatteredKibibytesMovesAHundredKibibytesNotAHundredCells() {
        List<ByteRange> changed = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            changed.add(ByteRange.ofLength(i * 10L * MIB, 1024));
        }

        ChunkPlan plan = planner.planDiff(DISK, changed);

        assertThat(plan.plannedBytes()).isEqualTo(100 * 1024);
        assertThat(plan.chunks()).hasSize(100).allSatisfy(chunk -> assertThat(chunk.length()).isEqualTo(1024));
    }

    @Test
    void aDiffMergesTouchingRangesAndCutsThemAtCellBoundaries() {
        ChunkPlan plan = planner.planDiff(DISK, List.of(r(CHUNK - 8192, CHUNK - 4096), r(CHUNK - 4096, CHUNK + 4096),
                r(3L * CHUNK, 5L * CHUNK + 512)));

        assertThat(plan.chunks()).containsExactly(r(CHUNK - 8192, CHUNK), r(CHUNK, CHUNK + 4096), r(3L * CHUNK, 4L * CHUNK),
                r(4L * CHUNK, 5L * CHUNK), r(5L * CHUNK, 5L * CHUNK + 512));
        assertThat(plan.plannedBytes()).isEqualTo(plan.writtenBytes()).isEqualTo(8192 + 4096 + 2L * CHUNK + 512);
        assertThat(plan.skippedChunks()).isZero();
    }

    @Test
    void aDiffIgnoresWhatLiesBeyondTheDisk() {
        ChunkPlan plan = planner.planDiff(DISK, List.of(r(DISK - 512, DISK + 512)));

        assertThat(plan.chunks()).containsExactly(r(DISK - 512, DISK));
    }

    private static List<ByteRange> randomRanges(Random random, boolean[] pages, int pageCount) {
        List<ByteRange> ranges = new ArrayList<>();
        int count = random.nextInt(12);
        for (int i = 0; i < count; i++) {
            int start = random.nextInt(pageCount);
            int length = 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000);
            int end = Math.min(pageCount, start + length);
            ranges.add(new ByteRange(start * 512L, end * 512L));
            for (int p = start; p < end; p++) {
                pages[p] = true;
            }
        }
        return ranges;
    }
}
