package dev.ferry.export.transfer;

import dev.ferry.export.ByteRange;
import java.util.List;

/**
 * What a copy has to move: the chunks still to copy, in offset order, and the figures of the plan.
 *
 * @param chunks        the chunks to copy, ascending and disjoint
 * @param writtenBytes  the source's written bytes within the disk (the union of its page ranges)
 * @param plannedBytes  the sum of the chunks' lengths: what this run moves
 * @param skippedChunks chunks left out because the destination already holds them (a resumed copy)
 * @param skippedBytes  the sum of the skipped chunks' lengths
 */
public record ChunkPlan(List<ByteRange> chunks, long writtenBytes, long plannedBytes, int skippedChunks,
                        long skippedBytes) {

    public ChunkPlan {
        chunks = List.copyOf(chunks);
    }

    /** The bytes of every chunk of the full plan, copied now or before. */
    public long totalBytes() {
        return plannedBytes + skippedBytes;
    }
}
