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
     * A Put Page of {@code data[0..length)} that starts before the data is all there: it sends bytes as
     * {@link PagesWhileFilled#filled} says they are final. Nothing is written unless all {@code length}
     * bytes are sent (Put Page is all or nothing). This default does not overlap: it makes one
     * {@link #putPages} call in {@link PagesWhileFilled#await} once the data is complete.
     */
    default PagesWhileFilled putPagesWhileFilled(long offset, byte[] data, int length) {
        return new PagesWhileFilled() {
            private volatile int filled;

            @Override
            public void filled(int bytes) {
                filled = bytes;
            }

            @Override
            public void abandon() {
                filled = -1;
            }

            @Override
            public void await() {
                if (filled != length) {
                    throw new IllegalStateException("the data of the Put Page at " + offset + " is not complete");
                }
                putPages(offset, data, length);
            }
        };
    }

    /** A Put Page under way while its buffer fills; see {@link #putPagesWhileFilled}. */
    interface PagesWhileFilled {

        /** {@code data[0..bytes)} is final and may be sent. */
        void filled(int bytes);

        /**
         * The data will not be completed: the write fails without writing anything, and once this
         * returns it no longer reads the buffer. Idempotent; nothing happens after {@link #await}.
         */
        void abandon();

        /** Waits for the write once the data is complete; throws {@link StorageCallFailed} like {@link #putPages}. */
        void await();

        /**
         * Whether the request has ended and no longer reads the buffer. False only after a write that had
         * to be given up while it still ran (a timeout, an interrupt): the caller must then not refill the
         * buffer for another chunk.
         */
        default boolean released() {
            return true;
        }
    }

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
