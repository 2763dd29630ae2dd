package dev.ferry.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepFailedReasonTest {

    @Test
    void aShortReasonIsKeptAsItIs() {
        assertThat(StepFailed.reason("the PVC exists")).isEqualTo("the PVC exists");
    }

    @Test
    void aLongReasonIsCutToTheContractsLimitAndSaysSo() {
        String cut = StepFailed.reason("x".repeat(5000));
        assertThat(cut).hasSize(StepFailed.MAX_REASON).endsWith("(cut)");
    }

    @Test
    void noReasonBecomesAText() {
        assertThat(StepFailed.reason(null)).isEqualTo("no reason given");
        assertThat(StepFailed.reason("  ")).isEqualTo("no reason given");
    }

    @Test
    void aLongOrMissingErrorCodeIsCutOrNamed() {
        assertThat(StepFailed.code("x".repeat(5000))).hasSize(StepFailed.MAX_REASON);
        assertThat(StepFailed.code(null)).isEqualTo("Unknown");
        assertThat(StepFailed.code("ServerBusy")).isEqualTo("ServerBusy");
    }

    @Test
    void aVolumesFailureIsAValidEventWhateverTheCodeAndReasonAreLike() {
        SnapshotTaken taken = TestEvents.snapshotTaken(TestEvents.volume());
        StepFailed failed = StepFailed.ofVolume(taken, java.util.Map.of("ce_id", "id-1", "ce_type", "ferry.snapshot.taken.v1"),
                Step.EXPORT, "C".repeat(3000), "R".repeat(3000), false, 0, java.time.Instant.EPOCH);

        failed.validate();

        assertThat(failed.backupId()).isEqualTo(taken.backupId());
        assertThat(failed.volume()).isEqualTo(taken.volume());
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.causeEventId()).isEqualTo("id-1");
    }
}
