package dev.ferry.export.transfer;

import dev.ferry.export.ByteRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Plans which chunks of a disk to copy from the source's written page ranges and the ranges the
 * destination already holds.
 *
 * <p>The rule: the disk {@code [0, diskBytes)} is cut into a fixed grid of cells
 * {@code [k*chunkBytes, (k+1)*chunkBytes)}. For every cell that holds at least one written byte
 * of the source, the candidate chunk is the cell clipped to the hull of the source's written bytes
 * in it, from the first written byte to the last. So a chunk never crosses a cell boundary (one
 * request of at most {@code chunkBytes}, at offsets that are the same on every attempt), written
 * ranges that touch or sit in one cell are merged into one request, unwritten cells are never read,
 * and the bytes moved are at most the written bytes rounded out to whole cells. A candidate is
 * skipped when the destination's written ranges cover all of it: a previous attempt wrote it
 * (each chunk is one atomic Put Page). A partly covered candidate is copied whole. Source ranges
 * beyond the disk (a served VHD footer) are ignored: the footer is a step of its own.
 */
public final class PageRangePlanner {

    /** The page size of a page blob: every offset and length is a multiple of it. */
    public static final int PAGE_BYTES = 512;
    /** The largest write Put Page and Put Page From URL accept. */
    public static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;

    private final int chunkBytes;

    /** A planner with chunks of {@code chunkBytes}: a positive multiple of 512, at most 4 MiB. */
    public PageRangePlanner(int chunkBytes) {
        if (chunkBytes <= 0 || chunkBytes % PAGE_BYTES != 0 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("the chunk size must be a positive multiple of 512 bytes of at most 4 MiB, not "
                    + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
    }

    public int chunkBytes() {
        return chunkBytes;
    }

    /**
     * Plans the copy of a disk of {@code diskBytes}.
     *
     * @param sourceWritten      the source's written page ranges, 512-aligned, in any order, may overlap
     * @param destinationWritten the destination's written page ranges, in any order, may overlap
     */
    public ChunkPlan plan(long diskBytes, Collection<ByteRange> sourceWritten, Collection<ByteRange> destinationWritten) {
        if (diskBytes <= 0 || diskBytes % PAGE_BYTES != 0) {
            throw new IllegalArgumentException("the disk size must be a positive multiple of 512 bytes, not " + diskBytes);
        }
        List<ByteRange> source = merge(clip(sourceWritten, diskBytes, true));
        List<ByteRange> destination = merge(clip(destinationWritten, diskBytes, false));
        long written = source.stream().mapToLong(ByteRange::length).sum();

        List<ByteRange> chunks = new ArrayList<>();
        long planned = 0;
        int skipped = 0;
        long skippedBytes = 0;
        DestinationCursor present = new DestinationCursor(destination);
        long cell = -1;
        long hullStart = 0;
        long hullEnd = 0;
        for (ByteRange range : source) {
            long position = range.start();
            while (position < range.end()) {
                long rangeCell = position / chunkBytes;
                long cellEnd = Math.min((rangeCell + 1) * chunkBytes, diskBytes);
                long pieceEnd = Math.min(range.end(), cellEnd);
                if (rangeCell != cell) {
                    if (cell >= 0) {
                        ByteRange chunk = new ByteRange(hullStart, hullEnd);
                        if (present.covers(chunk)) {
                            skipped++;
                            skippedBytes += chunk.length();
                        } else {
                            chunks.add(chunk);
                            planned += chunk.length();
                        }
                    }
                    cell = rangeCell;
                    hullStart = position;
                }
                hullEnd = pieceEnd;
                position = pieceEnd;
            }
        }
        if (cell >= 0) {
            ByteRange chunk = new ByteRange(hullStart, hullEnd);
            if (present.covers(chunk)) {
                skipped++;
                skippedBytes += chunk.length();
            } else {
                chunks.add(chunk);
                planned += chunk.length();
            }
        }
        return new ChunkPlan(chunks, written, planned, skipped, skippedBytes);
    }

    /**
     * Plans a diff: exactly the changed ranges within the disk, touching ones merged, cut where they cross
     * a cell boundary (so each request is at most {@code chunkBytes} at offsets every attempt repeats). A
     * small change stays small: nothing is rounded out to its cell. The plan's written bytes are the
     * changed bytes; nothing is skipped, as a replica already holds data everywhere (a repeated diff
     * writes the same bytes again).
     */
    public ChunkPlan planDiff(long diskBytes, Collection<ByteRange> changed) {
        if (diskBytes <= 0 || diskBytes % PAGE_BYTES != 0) {
            throw new IllegalArgumentException("the disk size must be a positive multiple of 512 bytes, not " + diskBytes);
        }
        List<ByteRange> ranges = merge(clip(changed, diskBytes, true));
        List<ByteRange> chunks = new ArrayList<>();
        long bytes = 0;
        for (ByteRange range : ranges) {
            bytes += range.length();
            long position = range.start();
            while (position < range.end()) {
                long cellEnd = (position / chunkBytes + 1) * chunkBytes;
                long end = Math.min(range.end(), cellEnd);
                chunks.add(new ByteRange(position, end));
                position = end;
            }
        }
        return new ChunkPlan(chunks, bytes, bytes, 0, 0);
    }

    /** The ranges within the disk, merged; 512-aligned as page ranges are. */
    public static List<ByteRange> withinDisk(long diskBytes, Collection<ByteRange> ranges) {
        return merge(clip(ranges, diskBytes, true));
    }

    private static List<ByteRange> clip(Collection<ByteRange> ranges, long diskBytes, boolean requireAlignment) {
        List<ByteRange> clipped = new ArrayList<>(ranges.size());
        for (ByteRange range : ranges) {
            if (requireAlignment && !range.isAlignedTo(PAGE_BYTES)) {
                throw new IllegalArgumentException("a source page range must be 512-aligned, not " + range);
            }
            if (range.start() < diskBytes && !range.isEmpty()) {
                clipped.add(new ByteRange(range.start(), Math.min(range.end(), diskBytes)));
            }
        }
        return clipped;
    }

    /** Sorts and merges overlapping and adjacent ranges. */
    static List<ByteRange> merge(List<ByteRange> ranges) {
        List<ByteRange> sorted = new ArrayList<>(ranges);
        sorted.sort(null);
        List<ByteRange> merged = new ArrayList<>(sorted.size());
        for (ByteRange range : sorted) {
            int last = merged.size() - 1;
            if (last >= 0 && range.start() <= merged.get(last).end()) {
                ByteRange previous = merged.get(last);
                merged.set(last, new ByteRange(previous.start(), Math.max(previous.end(), range.end())));
            } else {
                merged.add(range);
            }
        }
        return merged;
    }

    /** Walks the merged destination ranges once, as the chunks are asked about in ascending order. */
    private static final class DestinationCursor {
        private final List<ByteRange> ranges;
        private int index;

        DestinationCursor(List<ByteRange> ranges) {
            this.ranges = ranges;
        }

        boolean covers(ByteRange chunk) {
            while (index < ranges.size() && ranges.get(index).end() <= chunk.start()) {
                index++;
            }
            // Merged ranges are disjoint and not adjacent, so one range covers the chunk or none does.
            return index < ranges.size() && ranges.get(index).start() <= chunk.start()
                    && ranges.get(index).end() >= chunk.end();
        }
    }
}
