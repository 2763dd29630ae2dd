package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtentTest {

    private static final int KIB = 1024;

    @Test
    void aWriteInsideAPieceSplitsItAroundTheNewData() {
        Extent extent = Extent.whole(1).write(64 * KIB, 128 * KIB, 2);

        assertThat(extent.pieces()).containsExactly(new Extent.Piece(0, 64 * KIB, 1), new Extent.Piece(64 * KIB, 128 * KIB, 2),
                new Extent.Piece(128 * KIB, Extent.SIZE, 1));
        assertThat(extent.writtenBytes()).isEqualTo(Extent.SIZE);
    }

    @Test
    void aTrimLeavesZerosWhereItWasAndTheDataAroundIt() {
        Extent extent = Extent.whole(1).trim(4 * KIB, 12 * KIB);

        byte[] bytes = extent.bytes();
        byte[] seeded = Extent.seeded(1);
        assertThat(extent.writtenBytes()).isEqualTo(Extent.SIZE - 8 * KIB);
        assertThat(Arrays.copyOfRange(bytes, 4 * KIB, 12 * KIB)).containsOnly(0);
        assertThat(Arrays.copyOfRange(bytes, 0, 4 * KIB)).isEqualTo(Arrays.copyOfRange(seeded, 0, 4 * KIB));
        assertThat(Arrays.copyOfRange(bytes, 12 * KIB, Extent.SIZE)).isEqualTo(Arrays.copyOfRange(seeded, 12 * KIB, Extent.SIZE));
    }

    @Test
    void trimmingAllThatWasWrittenLeavesAnEmptyExtent() {
        Extent extent = Extent.piece(8 * KIB, 16 * KIB, 3).trim(0, 32 * KIB);

        assertThat(extent.isEmpty()).isTrue();
        assertThat(extent.pieces()).isEqualTo(List.of());
    }
}
