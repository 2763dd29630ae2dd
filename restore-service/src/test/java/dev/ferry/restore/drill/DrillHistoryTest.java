package dev.ferry.restore.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.DrillCompleted;
import dev.ferry.events.DrillOutcome;
import dev.ferry.events.DrillTrigger;
import dev.ferry.events.FerryEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrillHistoryTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    /** The store as a list: what it holds is what a new replica would read. */
    private static final class ListStore implements DrillStore {
        final List<DrillRecord> held = new ArrayList<>();

        @Override
        public void save(DrillRecord record) {
            held.removeIf(r -> r.result().drillId().equals(record.result().drillId()));
            held.add(record);
        }

        @Override
        public List<DrillRecord> readAll() {
            return List.copyOf(held);
        }

        @Override
        public void delete(DrillRecord record) {
            held.remove(record);
        }
    }

    @Test
    void keepsTheNewestDrillsOfEachApplicationAndDeletesTheOlderFromTheStore() {
        ListStore store = new ListStore();
        DrillHistory history = new DrillHistory(store, 3);
        for (int i = 0; i < 5; i++) {
            history.add(passed("drill-shop-" + i, "shop", i, null));
        }
        history.add(passed("drill-ledger-0", "ledger", 1, null));

        assertThat(history.list()).extracting(r -> r.result().drillId())
                .containsExactly("drill-shop-4", "drill-shop-3", "drill-shop-2", "drill-ledger-0");
        assertThat(store.held).hasSize(4);
        assertThat(new DrillHistory(store, 3).list()).as("what a new replica reads").isEqualTo(history.list());
    }

    @Test
    void theLastDrillOfAScheduleIsFoundApartFromOnDemandOnes() {
        DrillHistory history = new DrillHistory(new ListStore(), 10);
        history.add(passed("drill-a", "shop", 1, "daily"));
        history.add(passed("drill-b", "shop", 2, null));

        assertThat(history.last("aks-a/shop", "daily")).get().extracting(r -> r.result().drillId()).isEqualTo("drill-a");
        assertThat(history.last("aks-a/shop", null)).get().extracting(r -> r.result().drillId()).isEqualTo("drill-b");
        assertThat(history.last("aks-a/ledger", null)).isEmpty();
        assertThat(history.find("drill-a")).isPresent();
    }

    private static DrillRecord passed(String drillId, String namespace, int hour, String schedule) {
        Instant start = T0.plusSeconds(3600L * hour);
        return new DrillRecord(new DrillCompleted(FerryEvent.SCHEMA_VERSION, drillId, drillId,
                schedule == null ? DrillTrigger.ON_DEMAND : DrillTrigger.SCHEDULED, "aks-a", namespace, "point-" + hour,
                "ferry-" + drillId, DrillOutcome.PASSED, null, null, null, start.minusSeconds(600), 1500L, null, null, 1, true, start,
                start.plusSeconds(5)), schedule == null ? "olga" : "schedule", schedule);
    }
}
