package dev.ferry.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.restore.RestoreRun.State;
import dev.ferry.restore.catalog.Entries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RestoreServiceTest {

    private static final Instant T = Instant.parse("2026-11-24T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T.plusSeconds(3600), ZoneOffset.UTC);

    private final InMemoryPorts ports = new InMemoryPorts();
    private final RestoreService restores = new RestoreService(ports.admission(),
            new VolumeRestorer(ports.cluster, ports.view, Duration.ofSeconds(1), Duration.ofMillis(10), CLOCK), new KnownRestores(), CLOCK);

    @Test
    void anAcceptedRestoreIsKnownByItsIdAndRuns() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));

        RestoreService.Accepted accepted = restores.accept(Requests.restore("r1").of("b1").build(), Requests.ANYONE);

        assertThat(accepted.isNew()).isTrue();
        assertThat(accepted.run().startedAt()).isEqualTo(CLOCK.instant());
        assertThat(restores.find("r1")).containsSame(accepted.run());
        assertThat(restores.run(accepted.run()).state()).isEqualTo(State.COMPLETED);
    }

    @Test
    void theSameRequestAgainReturnsTheKnownRestoreAndHoldsNothingMore() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));
        RestoreRun first = restores.accept(Requests.restore("r1").of("b1").build(), Requests.ANYONE).run();

        RestoreService.Accepted again = restores.accept(Requests.restore("r1").of("b1").build(), Requests.ANYONE);

        assertThat(again.isNew()).isFalse();
        assertThat(again.run()).isSameAs(first);
        restores.run(first);
        assertThat(ports.leased("b1")).as("one lease, released by the one run").isFalse();
    }

    @Test
    void anotherRequestUnderAKnownRestoreIdIsAConflict() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));
        restores.accept(Requests.restore("r1").of("b1").build(), Requests.ANYONE);

        assertThatThrownBy(() -> restores.accept(Requests.restore("r1").of("b1").into("drill").creatingTheNamespace().build(), Requests.ANYONE))
                .isInstanceOfSatisfying(RestoreRefused.class, e -> assertThat(e.reason()).isEqualTo(RestoreRefused.Reason.RESTORE_ID_CONFLICT));
    }
}
