package dev.ferry.support.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pacing from Compute's x-ms-ratelimit-remaining-resource windows. */
class ComputeWindowPacingTest {

    private static final String SHORT = "Microsoft.Compute/CreateUpdateDisks3Min";
    private static final String LONG = "Microsoft.Compute/CreateUpdateDisks30Min";

    @Test
    void aHeaderNamesEachWindowWithWhatIsLeftOfIt() {
        assertThat(ComputeWindowPacing.parse(SHORT + ";997," + LONG + ";7997"))
                .containsExactly(Map.entry(SHORT, 997L), Map.entry(LONG, 7997L));
        assertThat(ComputeWindowPacing.parse(SHORT + ";12, nonsense ,other;x")).containsExactly(Map.entry(SHORT, 12L));
        assertThat(ComputeWindowPacing.parse(null)).isEmpty();
    }

    @Test
    void anOperationIsPacedOnlyOnceAWindowRunsLowAndOnlyByTheWindowsNamedForIt() {
        ComputeWindowPacing pacing = new ComputeWindowPacing(true);
        assertThat(pacing.reserve("snapshots/PUT", 0)).as("nothing heard yet").isZero();
        pacing.heard("snapshots/PUT", SHORT + ";19," + LONG + ";7999");
        assertThat(pacing.reserve("snapshots/PUT", 0)).as("19 of 20 left").isZero();

        // A window of 20 over 3 minutes refills every 9 s; a fifth of it (4) is the low-water mark, and with
        // nothing left writes are spaced by twice the refill interval, 18 s; with 3 left, by a quarter of that.
        pacing.heard("snapshots/PUT", SHORT + ";3," + LONG + ";7990");
        assertThat(pacing.spacing(SHORT)).isEqualTo(Duration.ofMillis(4_500));
        assertThat(pacing.spacing(LONG)).as("the long window is far from low").isZero();
        long later = Duration.ofMinutes(1).toNanos();
        assertThat(pacing.reserve("snapshots/PUT", later)).as("long after the last write").isZero();
        assertThat(pacing.reserve("snapshots/PUT", later)).isEqualTo(Duration.ofMillis(4_500));
        assertThat(pacing.reserve("snapshots/DELETE", later)).as("another operation, its windows unnamed").isZero();

        pacing.heard("snapshots/PUT", SHORT + ";0," + LONG + ";7989");
        assertThat(pacing.spacing(SHORT)).isEqualTo(Duration.ofSeconds(18));
    }

    @Test
    void aWindowsSizeIsTheMostEverSeenLeftAndGrowsWithIt() {
        ComputeWindowPacing pacing = new ComputeWindowPacing(true);
        pacing.heard("disks/PUT", SHORT + ";9");
        pacing.heard("disks/PUT", SHORT + ";0");
        assertThat(pacing.spacing(SHORT)).as("a window of 10: 36 s").isEqualTo(Duration.ofSeconds(36));
        pacing.heard("disks/PUT", SHORT + ";99");
        pacing.heard("disks/PUT", SHORT + ";0");
        assertThat(pacing.spacing(SHORT)).as("a window of 100: 3.6 s").isEqualTo(Duration.ofMillis(3_600));
    }

    @Test
    void aWindowWhoseLengthItsNameDoesNotSayIsNeverPacedAndPacingCanBeTurnedOff() {
        ComputeWindowPacing pacing = new ComputeWindowPacing(true);
        pacing.heard("disks/PUT", "Microsoft.Compute/SomethingElse;0");
        assertThat(pacing.reserve("disks/PUT", 0)).isZero();
        assertThat(pacing.reserve("disks/PUT", 0)).isZero();

        ComputeWindowPacing off = new ComputeWindowPacing(false);
        off.heard("disks/PUT", SHORT + ";19");
        off.heard("disks/PUT", SHORT + ";0");
        assertThat(off.reserve("disks/PUT", 0)).isZero();
        assertThat(off.reserve("disks/PUT", 0)).isZero();
    }
}
