package dev.ferry.export;

import java.util.List;
import java.util.Map;

/**
 * The destination page blob of one volume's VHD in the staging account. Failures surface as
 * {@link StorageCallFailed}.
 */
public interface StagingBlob {

    /** What {@link #createIfAbsent} found. */
    enum Creation { CREATED, REUSED }

    /** The blob's URL without any query: what Import reads and events carry. */
    String url();

    /**
     * Creates the page blob with {@code length} bytes and the given tags (also set as metadata),
     * or keeps it when it already exists with that length; fails when it exists with another.
     */
    Creation createIfAbsent(long length, Map<String, String> tags);

    /** The written page ranges, in order: what a previous, interrupted attempt already wrote. */
    List<ByteRange> pageRanges();

    /** Put Page: writes {@code data[0..length)} at {@code offset}; both 512-aligned, at most 4 MiB. */
    void putPages(long offset, byte[] data, int length);

    /**
     * Put Page From URL: the storage service reads {@code range} of {@code source} and writes it at the
     * same offsets here; 512-aligned, at most 4 MiB.
     */
    void putPagesFromUrl(ByteRange range, SasUrl source);

    /** Reads {@code length} bytes from {@code offset}. */
    byte[] read(long offset, int length);

    /** Deletes the blob; true if it existed. */
    boolean delete();
}
