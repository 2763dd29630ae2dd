package dev.ferry.export.transfer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The 512-byte footer that makes a page blob a fixed VHD, written and checked after Microsoft's
 * "Virtual Hard Disk Image Format Specification" (version 1.0): big-endian fields, disk type 2
 * (fixed), data offset all ones, a CHS geometry computed with the specification's algorithm, and a
 * checksum that is the one's complement of the sum of every footer byte except the checksum's own.
 */
public final class VhdFooter {

    public static final int SIZE = 512;

    private static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
    private static final int FEATURES_RESERVED = 0x00000002;
    private static final int FORMAT_VERSION = 0x00010000;
    private static final long FIXED_DATA_OFFSET = 0xFFFFFFFFFFFFFFFFL;
    private static final int DISK_TYPE_FIXED = 2;
    // Ferry's creator application, and "Wi2k", the host OS value that Azure's own tools write.
    private static final byte[] CREATOR_APPLICATION = "fery".getBytes(StandardCharsets.US_ASCII);
    private static final int CREATOR_VERSION = 0x00010000;
    private static final byte[] CREATOR_HOST_OS = "Wi2k".getBytes(StandardCharsets.US_ASCII);
    /** The specification counts time stamps in seconds from 2000-01-01T00:00:00Z. */
    private static final Instant VHD_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private static final int FEATURES_OFFSET = 8;
    private static final int VERSION_OFFSET = 12;
    private static final int DATA_OFFSET_OFFSET = 16;
    private static final int TIME_STAMP_OFFSET = 24;
    private static final int ORIGINAL_SIZE_OFFSET = 40;
    private static final int CURRENT_SIZE_OFFSET = 48;
    private static final int GEOMETRY_OFFSET = 56;
    private static final int DISK_TYPE_OFFSET = 60;
    private static final int CHECKSUM_OFFSET = 64;
    private static final int UNIQUE_ID_OFFSET = 68;

    private VhdFooter() {
    }

    /**
     * The footer of a fixed VHD whose data is {@code diskBytes} long.
     *
     * @param uniqueId  the disk's identity; see {@link #uniqueIdFor}
     * @param createdAt the footer's time stamp
     */
    public static byte[] forDisk(long diskBytes, UUID uniqueId, Instant createdAt) {
        if (diskBytes <= 0 || diskBytes % SIZE != 0) {
            throw new IllegalArgumentException("a fixed VHD holds a positive whole number of 512-byte sectors, not " + diskBytes + " bytes");
        }
        ByteBuffer footer = ByteBuffer.allocate(SIZE); // big-endian, zero-filled: saved state 0, reserved zeros
        footer.put(COOKIE);
        footer.putInt(FEATURES_OFFSET, FEATURES_RESERVED);
        footer.putInt(VERSION_OFFSET, FORMAT_VERSION);
        footer.putLong(DATA_OFFSET_OFFSET, FIXED_DATA_OFFSET);
        long seconds = Math.max(0, createdAt.getEpochSecond() - VHD_EPOCH.getEpochSecond());
        footer.putInt(TIME_STAMP_OFFSET, (int) Math.min(seconds, 0xFFFFFFFFL));
        footer.put(28, CREATOR_APPLICATION);
        footer.putInt(32, CREATOR_VERSION);
        footer.put(36, CREATOR_HOST_OS);
        footer.putLong(ORIGINAL_SIZE_OFFSET, diskBytes);
        footer.putLong(CURRENT_SIZE_OFFSET, diskBytes);
        footer.putInt(GEOMETRY_OFFSET, geometry(diskBytes));
        footer.putInt(DISK_TYPE_OFFSET, DISK_TYPE_FIXED);
        footer.putLong(UNIQUE_ID_OFFSET, uniqueId.getMostSignificantBits());
        footer.putLong(UNIQUE_ID_OFFSET + 8, uniqueId.getLeastSignificantBits());
        byte[] bytes = footer.array();
        ByteBuffer.wrap(bytes).putInt(CHECKSUM_OFFSET, checksum(bytes));
        return bytes;
    }

    /**
     * A unique id derived from the backup and the PVC, so that every attempt of one export writes the
     * same footer and two volumes never share an id.
     */
    public static UUID uniqueIdFor(String backupId, String pvcUid) {
        return UUID.nameUUIDFromBytes(("ferry-vhd:" + backupId + ":" + pvcUid).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What is wrong with {@code footer} as the footer of a fixed VHD of {@code diskBytes} of data,
     * or empty when it is valid.
     */
    public static Optional<String> problem(byte[] footer, long diskBytes) {
        if (footer == null || footer.length != SIZE) {
            return Optional.of("a footer has 512 bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(footer);
        for (int i = 0; i < COOKIE.length; i++) {
            if (footer[i] != COOKIE[i]) {
                return Optional.of("the cookie is not 'conectix'");
            }
        }
        if (in.getInt(DISK_TYPE_OFFSET) != DISK_TYPE_FIXED) {
            return Optional.of("the disk type is " + in.getInt(DISK_TYPE_OFFSET) + ", not 2 (fixed)");
        }
        if (in.getLong(DATA_OFFSET_OFFSET) != FIXED_DATA_OFFSET) {
            return Optional.of("the data offset of a fixed disk must be all ones");
        }
        if (in.getLong(CURRENT_SIZE_OFFSET) != diskBytes) {
            return Optional.of("the current size is " + in.getLong(CURRENT_SIZE_OFFSET) + ", not the disk's " + diskBytes);
        }
        if (in.getInt(CHECKSUM_OFFSET) != checksum(footer)) {
            return Optional.of("the checksum does not match");
        }
        return Optional.empty();
    }

    /** One's complement of the byte sum of the footer, its checksum field counted as zeros. */
    static int checksum(byte[] footer) {
        int sum = 0;
        for (int i = 0; i < SIZE; i++) {
            if (i < CHECKSUM_OFFSET || i >= CHECKSUM_OFFSET + 4) {
                sum += footer[i] & 0xFF;
            }
        }
        return ~sum;
    }

    /**
     * The CHS geometry field (cylinders: 2 bytes, heads: 1, sectors per track: 1), by the
     * specification's algorithm; disks beyond what CHS can address get its maximum.
     */
    static int geometry(long diskBytes) {
        long totalSectors = Math.min(diskBytes / SIZE, 65535L * 16 * 255);
        long sectorsPerTrack;
        long heads;
        long cylinderTimesHeads;
        if (totalSectors >= 65535L * 16 * 63) {
            sectorsPerTrack = 255;
            heads = 16;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
        } else {
            sectorsPerTrack = 17;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
            heads = Math.max(4, (cylinderTimesHeads + 1023) / 1024);
            if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
                sectorsPerTrack = 31;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }
            if (cylinderTimesHeads >= heads * 1024) {
                sectorsPerTrack = 63;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }
        }
        long cylinders = cylinderTimesHeads / heads;
        return (int) ((cylinders << 16) | (heads << 8) | sectorsPerTrack);
    }
}
