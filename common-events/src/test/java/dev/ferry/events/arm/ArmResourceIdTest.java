package dev.ferry.events.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArmResourceIdTest {

    private static final String SNAPSHOT =
            "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/MC_shop_EastUS/providers/Microsoft.Compute/snapshots/snap-1";

    @Test
    void parsesEveryPart() {
        ArmResourceId id = ArmResourceId.parse(SNAPSHOT);

        assertThat(id.subscriptionId()).isEqualTo("6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11");
        assertThat(id.resourceGroup()).isEqualTo("MC_shop_EastUS");
        assertThat(id.providerNamespace()).isEqualTo("Microsoft.Compute");
        assertThat(id.resourceType()).isEqualTo("snapshots");
        assertThat(id.name()).isEqualTo("snap-1");
        assertThat(id.resourceGroupId())
                .isEqualTo("/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/MC_shop_EastUS");
        assertThat(id.isOfType("microsoft.compute", "Snapshots")).isTrue();
        assertThat(id.isOfType("Microsoft.Compute", "disks")).isFalse();
    }

    @Test
    void comparesWithoutCaseButPrintsAsGiven() {
        ArmResourceId given = ArmResourceId.parse(SNAPSHOT);
        ArmResourceId shouted = ArmResourceId.parse(SNAPSHOT.toUpperCase().replace("SUBSCRIPTIONS", "subscriptions"));
        ArmResourceId lowered = ArmResourceId.parse(SNAPSHOT.toLowerCase());

        assertThat(given).isEqualTo(lowered).isEqualTo(shouted).hasSameHashCodeAs(lowered);
        assertThat(given.toString()).isEqualTo(SNAPSHOT);
        assertThat(given.canonical()).isEqualTo(SNAPSHOT.toLowerCase());
        assertThat(ArmResourceId.parse(SNAPSHOT + "/")).isEqualTo(given);
        assertThat(given).isNotEqualTo(ArmResourceId.parse(SNAPSHOT.replace("snap-1", "snap-2")));
    }

    @Test
    void anIdAsComputeAnswersItWithItsResourceGroupInCapitalsIsTheSameResourceAndGroup() {
        ArmResourceId given = ArmResourceId.parse(SNAPSHOT);
        ArmResourceId answered = ArmResourceId.parse(SNAPSHOT.replace("MC_shop_EastUS", "MC_SHOP_EASTUS"));

        assertThat(answered).isEqualTo(given).hasSameHashCodeAs(given);
        assertThat(answered.canonical()).isEqualTo(given.canonical());
        assertThat(ResourceGroupId.of(answered)).isEqualTo(ResourceGroupId.of(given)).hasSameHashCodeAs(ResourceGroupId.of(given));
        assertThat(ResourceGroupId.parse("/subscriptions/6F1C3A52-8D4E-4B7A-9C1E-2A5B7D9E0F11/resourcegroups/mc_shop_eastus"))
                .isEqualTo(ResourceGroupId.of(given));
        assertThat(java.util.Set.of(ResourceGroupId.of(given))).contains(ResourceGroupId.of(answered));
    }

    @Test
    void idTextsNameOneResourceWhateverTheirCasing() {
        assertThat(ArmResourceId.sameResource(SNAPSHOT, SNAPSHOT.replace("MC_shop_EastUS", "MC_SHOP_EASTUS") + "/")).isTrue();
        assertThat(ArmResourceId.sameResource(SNAPSHOT, SNAPSHOT.replace("snap-1", "snap-2"))).isFalse();
        assertThat(ArmResourceId.sameResource(SNAPSHOT, null)).isFalse();
        assertThat(ArmResourceId.sameResource("not-an-id", "NOT-AN-ID")).isTrue();
    }

    @Test
    void parsesChildResourcesAndBuildsTopLevelOnes() {
        ArmResourceId container = ArmResourceId.parse("/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg"
                + "/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/vhds");
        assertThat(container.resourceType()).isEqualTo("storageAccounts/blobServices/containers");
        assertThat(container.name()).isEqualTo("vhds");

        ArmResourceId built = ArmResourceId.of("6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11", "MC_shop_EastUS",
                "Microsoft.Compute", "snapshots", "snap-1");
        assertThat(built).isEqualTo(ArmResourceId.parse(SNAPSHOT));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|it is empty",
        "subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg/providers/Microsoft.Compute/disks/d|must start with '/subscriptions/'",
        "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg|it must have the form",
        "/subscription/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg/providers/Microsoft.Compute/disks/d|segment 1 must be 'subscriptions'",
        "/subscriptions/12345/resourceGroups/rg/providers/Microsoft.Compute/disks/d|subscription id '12345' is not a GUID",
        "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/groups/rg/providers/Microsoft.Compute/disks/d|segment 3 must be 'resourceGroups'",
        "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg./providers/Microsoft.Compute/disks/d|resource group name 'rg.'",
        "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg/provider/Microsoft.Compute/disks/d|segment 5 must be 'providers'",
        "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg/providers/Compute/disks/d|provider namespace 'Compute'",
        "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg/providers/Microsoft.Compute/disks/d/extra|must come in pairs",
        "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/rg/providers/Microsoft.Compute/disks/d?x|segment 8 is empty or has characters not allowed",
    })
    void rejectsMalformedIdsSayingWhatIsWrong(String id, String expected) {
        assertThatThrownBy(() -> ArmResourceId.parse(id))
                .isInstanceOf(MalformedResourceIdException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> ArmResourceId.parse(null)).isInstanceOf(MalformedResourceIdException.class)
                .hasMessageContaining("empty");
    }
}
