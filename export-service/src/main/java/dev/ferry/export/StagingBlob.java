package dev.ferry.export;

import java.util.List;
import java.util.Map;

/**
 * The destination page blob of one volume's VHD in the staging account. Failures surface as
 * {@link StorageCallFailed}.
 */
public interface StagingBlob {

    /**
     * The metadata that mirrors a blob's tags: metadata names must be C# identifiers and travel as
     * case-insensitive headers, so the tags' dots become underscores and the names are lower case.
     */
    static Map<String, String> metadataOf(Map<String, String> tags) {
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        tags.forEach((key, value) -> metadata.put(key.replace('.', '_').toLowerCase(java.util.Locale.ROOT), value));
        return metadata;
    }

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
     * {@link #putPages} call in {@link PagesWhileFilled#awaitRelease} once the data is complete.
     */
    default PagesWhileFilled putPagesWhileFilled(long offset, byte[] data, int length) {
        return new PagesWhileFilled() {
            private volatile int filled;
            private boolean written;
            private StorageCallFailed failure;

            @Override
            public void filled(int bytes) {
                filled = bytes;
            }

            @Override
            public void abandon() {
                filled = -1;
            }

            @Override
            public synchronized void awaitRelease() {
                if (written || filled != length) {
                    return;
                }
                written = true;
                try {
                    putPages(offset, data, length);
                } catch (StorageCallFailed e) {
                    failure = e;
                }
            }

            @Override
            public synchronized void await() {
                if (filled != length) {
                    throw new IllegalStateException("the data of the Put Page at " + offset + " is not complete");
                }
                awaitRelease();
                if (failure != null) {
                    throw failure;
                }
            }
        };
    }

    /** A Put Page under way while its buffer fills; see {@link #putPagesWhileFilled}. */
    interface PagesWhileFilled {

        /** {@code data[0..bytes)} is final and may be sent. */
        void filled(int bytes);

        /**
         * The data will not be completed: the write fails without writing anything. Once this returns the
         * buffer is not read any more. Idempotent; once all the data is sent, it waits until the request
         * has ended instead.
         */
        void abandon();

        /**
         * Waits until the write no longer needs the buffer: all {@code length} bytes are taken into the
         * request, or the request has ended. The buffer may then be filled again (for another chunk) while
         * the answer is still to come. Does not throw: a failure is {@link #await}'s to report.
         */
        void awaitRelease();

        /** Waits for the answer once the data is complete; throws {@link StorageCallFailed} like {@link #putPages}. */
        void await();
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

    /**
     * The blob's length and metadata, or empty when it does not exist.
     */
    record Properties(long length, Map<String, String> metadata) {
        public Properties {
            metadata = Map.copyOf(metadata);
        }
    }

    java.util.Optional<Properties> properties();

    /** Replaces the blob's metadata (names are lower-case C# identifiers; values ASCII). */
    void setMetadata(Map<String, String> metadata);

    /** Clear Pages: the range (512-aligned) reads as zeros and is no longer a written range. */
    void clearPages(ByteRange range);
}
