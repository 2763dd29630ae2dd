package dev.ferry.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegionSnapshotNamesTest {

    @Test
    void keepsWholeUuidsAndStaysUnderAzuresLimit() {
        String name = RegionSnapshotNames.of("2c9f1e4a-7b6d-4e21-9a3f-5d8c1b0e7f42", "8b3e51d0-4c2a-4f7e-b1d9-6a0c2e4f8a13");

        assertThat(name).isEqualTo("ferry-2c9f1e4a7b6d4e219a3f5d8c1b0e7f42-8b3e51d04c2a4f7eb1d96a0c2e4f8a13");
        assertThat(name.length()).isLessThanOrEqualTo(80);
    }

    @Test
    void idsThatShareALongPrefixGetDifferentNames() {
        String first = RegionSnapshotNames.of("b-1", "00000000-0000-0000-0000-00000000007c");
        String second = RegionSnapshotNames.of("b-1", "00000000-0000-0000-0000-00000000007d");
        String longA = RegionSnapshotNames.of("crm-nightly-backup-of-the-orders-database-2026-05-01", "8b3e51d0-4c2a-4f7e-b1d9-6a0c2e4f8a13");
        String longB = RegionSnapshotNames.of("crm-nightly-backup-of-the-orders-database-2026-05-02", "8b3e51d0-4c2a-4f7e-b1d9-6a0c2e4f8a13");

        assertThat(first).isNotEqualTo(second);
        assertThat(longA).isNotEqualTo(longB);
        assertThat(longA.length()).isLessThanOrEqualTo(80);
        assertThat(RegionSnapshotNames.of("B-1", "x")).isEqualTo(RegionSnapshotNames.of("B-1", "x")).matches("[a-z0-9-]+");
    }
}
