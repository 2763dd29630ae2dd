package dev.ferry.support.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pacing from the remaining-writes header, and the operation label of a write. */
class ArmWritePacingTest {

    private static final long MS = 1_000_000;

    @Test
    void writesGoAtOnceWhileTheBudgetIsAboveTheLowWaterMark() {
        ArmWritePacing pacing = new ArmWritePacing(40, Duration.ofMillis(200));
        assertThat(pacing.reserve(0)).isZero();
        pacing.remaining(40);
        assertThat(pacing.reserve(1 * MS)).isZero();
        assertThat(pacing.reserve(1 * MS)).isZero();
    }

    @Test
    void belowTheMarkWritesAreSpacedTheMoreTheLessIsLeft() {
        ArmWritePacing pacing = new ArmWritePacing(40, Duration.ofMillis(200));
        pacing.remaining(30);
        assertThat(pacing.spacing()).isEqualTo(Duration.ofMillis(50));
        pacing.remaining(0);
        assertThat(pacing.spacing()).isEqualTo(Duration.ofMillis(200));
        pacing.remaining(-3);
        assertThat(pacing.spacing()).as("never more than the maximum").isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void concurrentWritersQueueBehindOneAnother() {
        ArmWritePacing pacing = new ArmWritePacing(40, Duration.ofMillis(200));
        pacing.remaining(0);
        assertThat(pacing.reserve(0)).isZero();
        assertThat(pacing.reserve(0)).isEqualTo(Duration.ofMillis(200));
        assertThat(pacing.reserve(10 * MS)).isEqualTo(Duration.ofMillis(390));
        // Long after the last write, the next one goes at once.
        assertThat(pacing.reserve(2_000 * MS)).isZero();
    }

    @Test
    void zeroLowWaterTurnsPacingOff() {
        ArmWritePacing pacing = new ArmWritePacing(0, Duration.ofMillis(200));
        pacing.remaining(0);
        assertThat(pacing.reserve(0)).isZero();
        assertThat(pacing.reserve(0)).isZero();
    }

    @Test
    void aWriteIsLabelledByItsResourceTypeAndActionOrMethod() throws Exception {
        String snapshot = "https://management.azure.com/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg"
                + "/providers/Microsoft.Compute/snapshots/s1";
        assertThat(ArmCallPolicy.operation(new HttpRequest(HttpMethod.PUT, snapshot + "?api-version=2024-03-02")))
                .isEqualTo("snapshots/PUT");
        assertThat(ArmCallPolicy.operation(new HttpRequest(HttpMethod.POST, snapshot + "/beginGetAccess?api-version=2024-03-02")))
                .isEqualTo("snapshots/beginGetAccess");
        assertThat(ArmCallPolicy.operation(new HttpRequest(HttpMethod.DELETE, snapshot))).isEqualTo("snapshots/DELETE");
        assertThat(ArmCallPolicy.operation(new HttpRequest(HttpMethod.PUT, "https://management.azure.com/subscriptions/x")))
                .isEqualTo("other/PUT");
    }
}
