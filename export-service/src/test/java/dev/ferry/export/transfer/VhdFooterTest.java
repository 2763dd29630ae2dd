package dev.ferry.export.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VhdFooterTest {

    private static final long GIB = 1L << 30;
    private static final Instant CREATED = Instant.parse("2026-03-01T12:00:00Z");
    private static final UUID ID = VhdFooter.uniqueIdFor("backup-1", "pvc-uid-1");

    @Test
    void fieldsFollowTheSpecification() {
        ByteBuffer footer = ByteBuffer.wrap(VhdFooter.forDisk(GIB, ID, CREATED));
        assertThat(footer.capacity()).isEqualTo(512);
        byte[] cookie = new byte[8];
        footer.get(0, cookie);
        assertThat(new String(cookie, StandardCharsets.US_ASCII)).isEqualTo("conectix");
        assertThat(footer.getInt(8)).isEqualTo(2);
        assertThat(footer.getInt(12)).isEqualTo(0x00010000);
        assertThat(footer.getLong(16)).isEqualTo(-1L);
        assertThat(footer.getInt(24)).isEqualTo((int) (CREATED.getEpochSecond() - Instant.parse("2000-01-01T00:00:00Z").getEpochSecond()));
        assertThat(footer.getLong(40)).isEqualTo(GIB);
        assertThat(footer.getLong(48)).isEqualTo(GIB);
        assertThat(footer.getInt(60)).isEqualTo(2);
        assertThat(new UUID(footer.getLong(68), footer.getLong(76))).isEqualTo(ID);
        assertThat(footer.get(84)).isZero();
        for (int i = 85; i < 512; i++) {
            assertThat(footer.get(i)).as("reserved byte %d", i).isZero();
        }
    }

    @Test
    void theChecksumIsTheOnesComplementOfTheByteSumWithoutItself() {
        byte[] footer = VhdFooter.forDisk(GIB, ID, CREATED);
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            if (i < 64 || i >= 68) {
                sum += footer[i] & 0xFF;
            }
        }
        assertThat(ByteBuffer.wrap(footer).getInt(64)).isEqualTo((int) ~sum);
    }

    @Test
    void geometryFollowsTheSpecificationsAlgorithm() {
        // Values computed by hand with the algorithm of the VHD specification's appendix.
        assertThat(chs(GIB)).isEqualTo(new int[] {2080, 16, 63});
        assertThat(chs(127L * 1024 * 1024)).isEqualTo(new int[] {1019, 15, 17}); // 260096 sectors: 15299 cylinders x heads
        assertThat(chs(16L << 30)).isEqualTo(new int[] {33288, 16, 63});
        assertThat(chs(4L << 40)).isEqualTo(new int[] {65535, 16, 255}); // beyond CHS: the maximum
        assertThat(chs(64L * 1024 * 1024)).isEqualTo(new int[] {963, 8, 17});
    }

    private static int[] chs(long bytes) {
        int g = VhdFooter.geometry(bytes);
        return new int[] {g >>> 16, (g >>> 8) & 0xFF, g & 0xFF};
    }

    @Test
    void theUniqueIdIsDerivedNotRandom() {
        assertThat(VhdFooter.uniqueIdFor("b", "p")).isEqualTo(VhdFooter.uniqueIdFor("b", "p"))
                .isNotEqualTo(VhdFooter.uniqueIdFor("b", "q")).isNotEqualTo(VhdFooter.uniqueIdFor("c", "p"));
        assertThat(VhdFooter.forDisk(GIB, ID, CREATED)).isEqualTo(VhdFooter.forDisk(GIB, ID, CREATED));
    }

    @Test
    void ourOwnCheckAcceptsItAndNamesWhatIsWrong() {
        byte[] footer = VhdFooter.forDisk(GIB, ID, CREATED);
        assertThat(VhdFooter.problem(footer, GIB)).isEmpty();
        assertThat(VhdFooter.problem(footer, 2 * GIB)).get().asString().contains("current size");
        assertThat(VhdFooter.problem(new byte[512], GIB)).get().asString().contains("cookie");
        byte[] tampered = footer.clone();
        tampered[100] = 1;
        assertThat(VhdFooter.problem(tampered, GIB)).get().asString().contains("checksum");
        byte[] dynamic = footer.clone();
        ByteBuffer.wrap(dynamic).putInt(60, 3);
        assertThat(VhdFooter.problem(dynamic, GIB)).get().asString().contains("disk type");
    }

    /** local-cloud's Azure fake checks Import sources with its own, independently written parser. */
    @Test
    void theAzureFakesImportCheckAcceptsIt() {
        for (long size : new long[] {GIB, 1L << 20, 5L << 30, 127L << 20, 4L << 40}) {
            byte[] footer = VhdFooter.forDisk(size, ID, CREATED);
            assertThat(dev.ferry.localcloud.azure.compute.VhdFooter.problem(footer, size + 512)).as("size %d", size).isNull();
        }
    }
}
