package dev.ferry.export;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * A snapshot's data seen as a read-only page blob behind a SAS: its length (disk size plus the
 * 512-byte VHD footer), its written page ranges, and range reads. Failures surface as
 * {@link StorageCallFailed}.
 */
public interface SourceBlob {

    /** The SAS this blob is read through, for engines that let the service pull the data. */
    SasUrl sas();

    /** The blob's length in bytes. */
    long length();

    /** The written (non-empty) page ranges within {@code within}, in order; follows every continuation marker. */
    List<ByteRange> pageRanges(ByteRange within);

    /**
     * The managed-disk page diff within {@code within}: Get Page Ranges with {@code x-ms-previous-snapshot-url}
     * set to {@code previous}, the SAS of an older incremental snapshot of the same disk. Large disks are
     * asked in windows, as one answer carries no continuation marker.
     */
    PageDiff pageDiff(SasUrl previous, ByteRange within);

    /** Reads exactly {@code length} bytes from {@code offset} into {@code buffer[0..length)}. */
    void read(long offset, byte[] buffer, int length);

    /**
     * Reads like {@link #read(long, byte[], int)} and tells {@code filled} each time more of the buffer
     * holds its final bytes (the count from {@code buffer[0]}), so that a write can send them while the
     * rest arrives. This default tells it once, at the end.
     */
    default void read(long offset, byte[] buffer, int length, IntConsumer filled) {
        read(offset, buffer, length);
        filled.accept(length);
    }
}
