package dev.ferry.localcloud.azure.compute;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The bytes of a managed disk or snapshot, sparse: only written 512-byte pages cost memory, so a
 * 1 TiB disk with 10 MiB written holds about 10 MiB.
 *
 * <p>Content is kept in 64 KiB chunks that are never changed once built: a write replaces the
 * chunks it touches. So {@link #copy()} (a snapshot) shares every chunk with its disk and costs
 * nothing until the disk is written again, and two copies that share a chunk object have the same
 * bytes there, which makes diffs between snapshots of one family cheap.
 */
public final class SparseContent {

    public static final int PAGE = 512;
    static final int CHUNK = 64 * 1024;
    private static final int PAGES_PER_CHUNK = CHUNK / PAGE;

    /** One immutable 64 KiB chunk: its bytes and which of its pages were written. */
    private record Chunk(byte[] bytes, BitSet written) {
    }

    /** A half-open byte range {@code [start, end)}. */
    public record Range(long start, long end) {

        public long length() {
            return end - start;
        }
    }

    /** The written and the cleared ranges of one content relative to another. */
    public record Diff(List<Range> changed, List<Range> cleared) {
    }

    private final long size;
    private final NavigableMap<Long, Chunk> chunks;

    public SparseContent(long size) {
        this(size, new TreeMap<>());
    }

    private SparseContent(long size, NavigableMap<Long, Chunk> chunks) {
        if (size <= 0 || size % PAGE != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of 512 but is " + size);
        }
        this.size = size;
        this.chunks = chunks;
    }

    public long size() {
        return size;
    }

    /** A copy that shares all current chunks: what a snapshot of this content is. */
    public synchronized SparseContent copy() {
        return new SparseContent(size, new TreeMap<>(chunks));
    }

    /** A copy grown to {@code newSize} bytes (a disk may be larger than the snapshot it is made from). */
    public synchronized SparseContent grownTo(long newSize) {
        if (newSize < size) {
            throw new IllegalArgumentException("cannot shrink content of " + size + " bytes to " + newSize);
        }
        return new SparseContent(newSize, new TreeMap<>(chunks));
    }

    /** Writes whole pages at a 512-aligned offset. */
    public synchronized void write(long offset, byte[] data) {
        checkAligned(offset, data.length);
        int done = 0;
        while (done < data.length) {
            long position = offset + done;
            long chunkStart = position - position % CHUNK;
            int within = (int) (position - chunkStart);
            int length = Math.min(CHUNK - within, data.length - done);
            Chunk old = chunks.get(chunkStart);
            byte[] bytes = old == null ? new byte[CHUNK] : old.bytes().clone();
            BitSet written = old == null ? new BitSet(PAGES_PER_CHUNK) : (BitSet) old.written().clone();
            System.arraycopy(data, done, bytes, within, length);
            written.set(within / PAGE, (within + length) / PAGE);
            chunks.put(chunkStart, new Chunk(bytes, written));
            done += length;
        }
    }

    /** Marks whole pages as never written (what a TRIM or Clear Pages does); they read as zeros. */
    public synchronized void clear(long offset, long length) {
        checkAligned(offset, length);
        long position = offset;
        long end = offset + length;
        while (position < end) {
            long chunkStart = position - position % CHUNK;
            int within = (int) (position - chunkStart);
            int span = (int) Math.min(CHUNK - within, end - position);
            Chunk old = chunks.get(chunkStart);
            if (old != null) {
                byte[] bytes = old.bytes().clone();
                BitSet written = (BitSet) old.written().clone();
                java.util.Arrays.fill(bytes, within, within + span, (byte) 0);
                written.clear(within / PAGE, (within + span) / PAGE);
                if (written.isEmpty()) {
                    chunks.remove(chunkStart);
                } else {
                    chunks.put(chunkStart, new Chunk(bytes, written));
                }
            }
            position += span;
        }
    }

    /** Reads any range; unwritten bytes read as zeros. */
    public byte[] read(long offset, int length) {
        byte[] out = new byte[length];
        read(offset, out, 0, length);
        return out;
    }

    /** Reads any range into {@code out[at..at+length)}, which must hold zeros (unwritten bytes are not written). */
    public synchronized void read(long offset, byte[] out, int at, int length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is outside 0-" + size);
        }
        long end = offset + length;
        for (Map.Entry<Long, Chunk> entry : chunks.subMap(offset - offset % CHUNK, true, end, false).entrySet()) {
            long chunkStart = entry.getKey();
            long from = Math.max(offset, chunkStart);
            long to = Math.min(end, chunkStart + CHUNK);
            System.arraycopy(entry.getValue().bytes(), (int) (from - chunkStart), out, at + (int) (from - offset), (int) (to - from));
        }
    }

    /** The written ranges within {@code [from, to)}, merged where they touch. */
    public synchronized List<Range> writtenRanges(long from, long to) {
        List<Range> ranges = new ArrayList<>();
        for (Map.Entry<Long, Chunk> entry : chunks.subMap(from - from % CHUNK, true, to, false).entrySet()) {
            BitSet written = entry.getValue().written();
            for (int page = written.nextSetBit(0); page >= 0; page = written.nextSetBit(page + 1)) {
                long start = entry.getKey() + (long) page * PAGE;
                if (start >= from && start < to) {
                    append(ranges, start, start + PAGE);
                }
            }
        }
        return ranges;
    }

    /** How many bytes were written: what the content costs. */
    public synchronized long writtenBytes() {
        return chunks.values().stream().mapToLong(c -> (long) c.written().cardinality() * PAGE).sum();
    }

    /**
     * What changed from {@code base} to this content within {@code [from, to)}: pages written here
     * whose bytes differ from the base or that the base lacks, and pages written in the base but
     * not here. Chunks shared with the base are skipped unread.
     */
    public Diff diffSince(SparseContent base, long from, long to) {
        NavigableMap<Long, Chunk> mine;
        NavigableMap<Long, Chunk> theirs;
        synchronized (this) {
            mine = new TreeMap<>(chunks);
        }
        synchronized (base) {
            theirs = new TreeMap<>(base.chunks);
        }
        TreeMap<Long, Boolean> keys = new TreeMap<>();
        mine.subMap(from - from % CHUNK, true, to, false).keySet().forEach(k -> keys.put(k, true));
        theirs.subMap(from - from % CHUNK, true, to, false).keySet().forEach(k -> keys.put(k, true));
        List<Range> changed = new ArrayList<>();
        List<Range> cleared = new ArrayList<>();
        for (long chunkStart : keys.keySet()) {
            Chunk now = mine.get(chunkStart);
            Chunk before = theirs.get(chunkStart);
            if (now == before) {
                continue;
            }
            for (int page = 0; page < PAGES_PER_CHUNK; page++) {
                long start = chunkStart + (long) page * PAGE;
                if (start < from || start >= to) {
                    continue;
                }
                boolean writtenNow = now != null && now.written().get(page);
                boolean writtenBefore = before != null && before.written().get(page);
                if (writtenNow && (!writtenBefore || !samePage(now, before, page))) {
                    append(changed, start, start + PAGE);
                } else if (!writtenNow && writtenBefore) {
                    append(cleared, start, start + PAGE);
                }
            }
        }
        return new Diff(changed, cleared);
    }

    private static boolean samePage(Chunk a, Chunk b, int page) {
        return java.util.Arrays.equals(a.bytes(), page * PAGE, (page + 1) * PAGE, b.bytes(), page * PAGE, (page + 1) * PAGE);
    }

    private static void append(List<Range> ranges, long start, long end) {
        if (!ranges.isEmpty() && ranges.get(ranges.size() - 1).end() == start) {
            ranges.set(ranges.size() - 1, new Range(ranges.get(ranges.size() - 1).start(), end));
        } else {
            ranges.add(new Range(start, end));
        }
    }

    private void checkAligned(long offset, long length) {
        if (offset < 0 || offset % PAGE != 0 || length % PAGE != 0 || offset + length > size) {
            throw new IllegalArgumentException("pages must be 512-aligned and inside the content: " + offset + "+" + length
                    + " of " + size);
        }
    }
}
