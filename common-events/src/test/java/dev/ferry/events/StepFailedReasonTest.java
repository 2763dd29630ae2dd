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
}
