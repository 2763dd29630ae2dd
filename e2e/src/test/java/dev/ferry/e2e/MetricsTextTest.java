package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTextTest {

    private static final String METRICS = """
            # TYPE ferry_export_azure_wait_seconds summary
            ferry_export_azure_wait_seconds_count{operation="grant"} 4.0
            ferry_export_azure_wait_seconds_sum{operation="grant"} 1.25
            ferry_export_azure_wait_seconds_sum{operation="revoke"} 0.5
            ferry_export_azure_wait_seconds_sum{operation="grant",replica="b"} 0.75
            """;

    @Test
    void aSamplesValueIsWhatFollowsItsLastSpace() {
        assertThat(MetricsText.value("ferry_azure_arm_writes_total{operation=\"snapshots/PUT\"} 3.0")).isEqualTo(3.0);
    }

    @Test
    void theSumTakesEverySampleOfTheMetricWithTheLabelAndNoOther() {
        assertThat(MetricsText.sum(METRICS, "ferry_export_azure_wait_seconds_sum{", "operation=\"grant\"")).isEqualTo(2.0);
        assertThat(MetricsText.sum(METRICS, "ferry_export_azure_wait_seconds_sum{", "")).isEqualTo(2.5);
        assertThat(MetricsText.sum(METRICS, "ferry_absent_total{", "")).isZero();
    }
}
