package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LagSplitTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private static LagSplit.Span span(long from, long to) {
        return new LagSplit.Span(at(from), at(to));
    }

    @Test
    void everyMomentFromRequestToRegionBIsCountedOnce() {
        // Snapshots until 2 s; exports 1-6 s and 3-8 s; imports 8-10 s and 9-12 s; the last snapshot in region B at 13 s.
        LagSplit split = LagSplit.of(at(0), at(2), List.of(span(1, 6), span(3, 8)), List.of(span(8, 10), span(9, 12)), at(13));

        assertThat(split.total()).isEqualTo(Duration.ofSeconds(13));
        assertThat(split.snapshot()).isEqualTo(Duration.ofSeconds(2));
        assertThat(split.export()).isEqualTo(Duration.ofSeconds(6));
        assertThat(split.imports()).isEqualTo(Duration.ofSeconds(4));
        assertThat(split.between()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anImportThatRunsWhileAnotherVolumeExportsCountsAsExport() {
        LagSplit split = LagSplit.of(at(0), at(1), List.of(span(1, 5)), List.of(span(3, 7)), at(7));

        assertThat(split.export()).isEqualTo(Duration.ofSeconds(4));
        assertThat(split.imports()).isEqualTo(Duration.ofSeconds(2));
        assertThat(split.between()).isZero();
    }

    @Test
    void timeWithNoStepRunningIsBetweenSteps() {
        LagSplit split = LagSplit.of(at(0), at(1), List.of(span(2, 3)), List.of(span(5, 6)), at(8));

        assertThat(split.between()).isEqualTo(Duration.ofSeconds(5));
        assertThat(split.snapshot().plus(split.export()).plus(split.imports()).plus(split.between())).isEqualTo(split.total());
    }
}
