package dev.ferry.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SnapshotNamesTest {

    private static final String DNS_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

    @Test
    void keepsBothIdsWholeInAValidObjectName() {
        String name = SnapshotNames.volumeSnapshot("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "B1C3F5A2-77AA-4C1E-9D2F-0A1B2C3D4E5F");
        assertThat(name).isEqualTo("ferry-3f2504e0-4f89-11d3-9a0c-0305e82c3301-b1c3f5a2-77aa-4c1e-9d2f-0a1b2c3d4e5f")
                .matches(DNS_SUBDOMAIN);
    }

    @Test
    void staysUnderTheObjectNameLimitForTheLongestIds() {
        assertThat(SnapshotNames.volumeSnapshot("b".repeat(63), "0b4c1a9e-6f3d-4e2a-8c7b-5d9e0f1a2b3c")).hasSize(106)
                .matches(DNS_SUBDOMAIN);
    }

    @Test
    void isTheSameForTheSameBackupAndPvcAndDiffersWhenOnlyTheTailsDiffer() {
        assertThat(SnapshotNames.volumeSnapshot("b1", "u1")).isEqualTo(SnapshotNames.volumeSnapshot("b1", "u1"));
        // Ids that share a long prefix: counter UIDs, and dated backup ids.
        assertThat(SnapshotNames.volumeSnapshot("b1", "00000000-0000-0000-0000-00000000007c"))
                .isNotEqualTo(SnapshotNames.volumeSnapshot("b1", "00000000-0000-0000-0000-000000000188"));
        assertThat(SnapshotNames.volumeSnapshot("crm-nightly-2024-05-01", "u1"))
                .isNotEqualTo(SnapshotNames.volumeSnapshot("crm-nightly-2024-05-02", "u1"));
    }

    @Test
    void refusesAnIdWithoutALetterOrDigit() {
        assertThatThrownBy(() -> SnapshotNames.volumeSnapshot("---", "u1")).isInstanceOf(IllegalArgumentException.class);
    }
}
