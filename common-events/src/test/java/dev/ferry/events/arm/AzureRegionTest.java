package dev.ferry.events.arm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AzureRegionTest {

    @Test
    void aDisplayNameAndANameInAnyCaseAreOneRegion() {
        assertThat(AzureRegion.normalize("West US")).isEqualTo("westus");
        assertThat(AzureRegion.normalize("WestUS2")).isEqualTo("westus2");
        assertThat(AzureRegion.same("West US", "westus")).isTrue();
        assertThat(AzureRegion.same("EASTUS", "East US")).isTrue();
    }

    @Test
    void otherRegionsAndMissingOnesAreNotTheSame() {
        assertThat(AzureRegion.same("westus", "westus2")).isFalse();
        assertThat(AzureRegion.same("westus", null)).isFalse();
        assertThat(AzureRegion.same(null, null)).isFalse();
        assertThat(AzureRegion.normalize(null)).isNull();
    }
}
