package dev.ferry.export;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.support.step.StepRefused;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The source allow-list compares groups as Azure does: without case. */
class SourceAllowListTest {

    private static final String SUBSCRIPTION = "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11";
    private final SourceAllowList allowed = new SourceAllowList(List.of(ResourceGroupId.parse(SUBSCRIPTION + "/resourceGroups/mc_ferry_source_eastus")));

    @Test
    void aSnapshotWhoseGroupComputeWroteInCapitalsIsAllowed() {
        ArmResourceId answered = ArmResourceId.parse(SUBSCRIPTION.toUpperCase().replace("SUBSCRIPTIONS", "subscriptions")
                + "/resourceGroups/MC_FERRY_SOURCE_EASTUS/providers/Microsoft.Compute/snapshots/snap-1");

        assertThatCode(() -> allowed.check(answered, "Snapshots")).doesNotThrowAnyException();
    }

    @Test
    void aSnapshotOfAnotherGroupIsRefused() {
        ArmResourceId other = ArmResourceId.parse(SUBSCRIPTION + "/resourceGroups/MC_FERRY_SOURCE_WESTUS/providers/Microsoft.Compute/snapshots/snap-1");

        assertThatThrownBy(() -> allowed.check(other, "Snapshots")).isInstanceOf(StepRefused.class)
                .hasMessageContaining("MC_FERRY_SOURCE_WESTUS");
    }
}
