package dev.ferry.restore.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CatalogViewTest {

    private static final Instant T = Instant.parse("2026-11-24T00:00:00Z");

    @Test
    void aPointIsCompleteWhenEveryVolumeArrivedInAnyOrder() {
        CatalogView view = new CatalogView();
        assertThat(view.add(Entries.entry("b1", "manual", 2, 3, T)).complete()).isFalse();
        assertThat(view.add(Entries.entry("b1", "manual", 0, 3, T)).missingVolumes()).containsExactly(1);
        RestorePoint point = view.add(Entries.entry("b1", "manual", 1, 3, T));
        assertThat(point.complete()).isTrue();
        assertThat(point.volumes()).extracting(e -> e.volume().volumeIndex()).containsExactly(0, 1, 2);
        // A redelivery changes nothing.
        assertThat(view.add(Entries.entry("b1", "manual", 1, 3, T))).isEqualTo(point);
    }

    @Test
    void aRedeliveryWhoseSnapshotIdComputeWroteInOtherCasingIsTheSameCopy() {
        CatalogEntry stored = Entries.entry("b1", "manual", 0, 1, T);
        String shouted = stored.snapshotId().toString().replace("/resourceGroups/ferry-dr/", "/resourceGroups/FERRY-DR/");
        CatalogEntry answered = new CatalogEntry(stored.formatVersion(), stored.backupId(), stored.correlationId(), stored.volume(),
                dev.ferry.events.arm.ArmResourceId.parse(shouted), stored.sizeBytes(), stored.method(), stored.recreatedAt(), stored.transfer());

        assertThat(answered.sameCopyAs(stored)).isTrue();
        CatalogView view = new CatalogView();
        RestorePoint point = view.add(stored);
        assertThat(view.add(answered)).isEqualTo(point);
    }

    @Test
    void listsNewestRecoveryPointFirst() {
        CatalogView view = new CatalogView();
        view.add(Entries.entry("old", "manual", 0, 1, T));
        view.add(Entries.entry("new", "manual", 0, 1, T.plusSeconds(3600)));
        assertThat(view.list(Optional.of("shop"), Optional.empty())).extracting(RestorePoint::id).containsExactly("new", "old");
        assertThat(view.list(Optional.of("other"), Optional.empty())).isEmpty();
        assertThat(view.list(Optional.empty(), Optional.of("another-cluster"))).isEmpty();
    }

    @Test
    void aLeasedPointIsNeverDeletedAndAPointBeingDeletedIsNeverLeased() {
        CatalogView view = new CatalogView();
        view.add(Entries.entry("b1", "manual", 0, 1, T));
        assertThat(view.lease("b1")).isTrue();
        assertThat(view.beginDelete("b1")).isFalse();
        view.release("b1");
        assertThat(view.beginDelete("b1")).isTrue();
        assertThat(view.lease("b1")).isFalse();
        assertThat(view.find("b1")).isEmpty();
        view.endDelete("b1", false);
        assertThat(view.find("b1")).isPresent();
        assertThat(view.beginDelete("b1")).isTrue();
        view.endDelete("b1", true);
        assertThat(view.find("b1")).isEmpty();
        assertThat(view.lease("b1")).isFalse();
    }

    @Test
    void aRefreshKeepsWhatWasAddedWhileStorageWasBeingRead() {
        CatalogView view = new CatalogView();
        view.add(Entries.entry("gone", "manual", 0, 1, T));
        long readStarted = System.nanoTime();
        view.add(Entries.entry("fresh", "manual", 0, 1, T));
        view.replace(List.of(Entries.entry("stored", "manual", 0, 1, T)), readStarted);
        assertThat(view.loaded()).isTrue();
        assertThat(view.list(Optional.empty(), Optional.empty())).extracting(RestorePoint::id).containsExactlyInAnyOrder("stored", "fresh");
    }
}
