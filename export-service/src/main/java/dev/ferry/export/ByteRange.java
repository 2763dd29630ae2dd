package dev.ferry.export;

/**
 * A half-open byte range {@code [start, end)} of a disk or a page blob.
 */
public record ByteRange(long start, long end) implements Comparable<ByteRange> {

    public ByteRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid byte range [" + start + ", " + end + ")");
        }
    }

    /** The range of {@code length} bytes from {@code start}. */
    public static ByteRange ofLength(long start, long length) {
        return new ByteRange(start, start + length);
    }

    public long length() {
        return end - start;
    }

    public boolean isEmpty() {
        return end == start;
    }

    /** Whether both ends are multiples of {@code unit} (a page blob needs 512). */
    public boolean isAlignedTo(long unit) {
        return start % unit == 0 && end % unit == 0;
    }

    @Override
    public int compareTo(ByteRange other) {
        int byStart = Long.compare(start, other.start);
        return byStart != 0 ? byStart : Long.compare(end, other.end);
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
