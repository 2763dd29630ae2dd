package dev.ferry.localcloud.azure.compute;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The 512-byte footer of a fixed VHD, as Azure writes it behind a disk's data and checks it on
 * Import. Written here from the VHD specification, independently of Ferry's own writer, so that a
 * mistake in one is caught by the other.
 */
public final class VhdFooter {

    public static final int SIZE = 512;
    private static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
    private static final int FIXED_DISK = 2;
    private static final int CHECKSUM_OFFSET = 64;

    private VhdFooter() {
    }

    /** A valid footer for a fixed VHD whose data is {@code diskBytes} long. */
    public static byte[] forDisk(long diskBytes) {
        ByteBuffer footer = ByteBuffer.allocate(SIZE);
        footer.put(COOKIE);
        footer.putInt(2);                          // features: reserved bit set
        footer.putInt(0x00010000);                 // file format version 1.0
        footer.putLong(-1L);                       // data offset: none, a fixed disk
        footer.putInt(0);                          // time stamp
        footer.put("win ".getBytes(StandardCharsets.US_ASCII));
        footer.putInt(0x000a0000);                 // creator version
        footer.put("Wi2k".getBytes(StandardCharsets.US_ASCII));
        footer.putLong(diskBytes);                 // original size
        footer.putLong(diskBytes);                 // current size
        footer.putInt(geometry(diskBytes));
        footer.putInt(FIXED_DISK);
        footer.putInt(0);                          // checksum, filled below
        UUID id = UUID.nameUUIDFromBytes(Long.toString(diskBytes).getBytes(StandardCharsets.US_ASCII));
        footer.putLong(id.getMostSignificantBits());
        footer.putLong(id.getLeastSignificantBits());
        byte[] bytes = footer.array();
        ByteBuffer.wrap(bytes).putInt(CHECKSUM_OFFSET, checksum(bytes));
        return bytes;
    }

    /**
     * Checks a footer read from the end of a blob of {@code blobBytes}; returns null if it is a
     * valid fixed-VHD footer, else what is wrong with it.
     */
    public static String problem(byte[] footer, long blobBytes) {
        if (footer.length != SIZE) {
            return "the footer is " + footer.length + " bytes, not 512";
        }
        ByteBuffer in = ByteBuffer.wrap(footer);
        byte[] cookie = new byte[8];
        in.get(cookie);
        if (!java.util.Arrays.equals(cookie, COOKIE)) {
            return "the cookie value in the VHD footer is not 'conectix'";
        }
        if (in.getInt(60) != FIXED_DISK) {
            return "the VHD is not a fixed VHD (disk type " + in.getInt(60) + ")";
        }
        long currentSize = in.getLong(48);
        if (currentSize != blobBytes - SIZE) {
            return "the VHD footer's current size " + currentSize + " does not match the blob size " + blobBytes + " - 512";
        }
        if (in.getInt(CHECKSUM_OFFSET) != checksum(footer)) {
            return "the VHD footer's checksum is wrong";
        }
        return null;
    }

    /** One's complement of the sum of all footer bytes, the checksum field itself counted as zero. */
    static int checksum(byte[] footer) {
        int sum = 0;
        for (int i = 0; i < SIZE; i++) {
            if (i < CHECKSUM_OFFSET || i >= CHECKSUM_OFFSET + 4) {
                sum += footer[i] & 0xff;
            }
        }
        return ~sum;
    }

    /** CHS geometry as the VHD specification computes it from the sector count. */
    private static int geometry(long diskBytes) {
        long sectors = Math.min(diskBytes / 512, 65535L * 16 * 255);
        int sectorsPerTrack;
        int heads;
        long cylinderTimesHeads;
        if (sectors >= 65535L * 16 * 63) {
            sectorsPerTrack = 255;
            heads = 16;
            cylinderTimesHeads = sectors / sectorsPerTrack;
        } else {
            sectorsPerTrack = 17;
            cylinderTimesHeads = sectors / sectorsPerTrack;
            heads = (int) Math.max((cylinderTimesHeads + 1023) / 1024, 4);
            if (cylinderTimesHeads >= heads * 1024L || heads > 16) {
                sectorsPerTrack = 31;
                heads = 16;
                cylinderTimesHeads = sectors / sectorsPerTrack;
            }
            if (cylinderTimesHeads >= heads * 1024L) {
                sectorsPerTrack = 63;
                heads = 16;
                cylinderTimesHeads = sectors / sectorsPerTrack;
            }
        }
        long cylinders = cylinderTimesHeads / heads;
        return (int) ((cylinders << 16) | ((long) heads << 8) | sectorsPerTrack);
    }
}
