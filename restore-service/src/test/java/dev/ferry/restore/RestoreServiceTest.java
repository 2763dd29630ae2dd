package dev.ferry.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.restore.RestoreRun.State;
import dev.ferry.restore.catalog.CatalogLoader;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.Entries;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreServiceTest {

    private static final Instant T = Instant.parse("2026-11-24T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T.plusSeconds(3600), ZoneOffset.UTC);

    private final InMemoryPorts ports = new InMemoryPorts();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final RestoreService restores = service(ports.view);

    /** A restore service over the ports and the ledger, with a view of its own (a restarted service reads the catalog anew). */
    private RestoreService service(CatalogView view) {
        return new RestoreService(new RestoreAdmission(view, new CatalogLoader(ports.catalog, view), ports.cluster, ports.snapshots),
                new VolumeRestorer(ports.cluster, view, Duration.ofSeconds(1), Duration.ofMillis(10), CLOCK), new KnownRestores(), ledger,
                view, CLOCK);
    }

    /** What a restarted service starts with: the catalog read anew, nothing known but the ledger. */
    private RestoreService restarted() {
        CatalogView view = new CatalogView();
        new CatalogLoader(ports.catalog, view).refresh();
        return service(view);
    }

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

    // ---- a restarted service ----------------------------------------------------------------------

    @Test
    void aRestoreUnderWayWhenTheServiceStoppedIsRunAgainByTheNextAndFinishes() {
        ports.store(Entries.point("b1", "manual", 2, 2, T));
        RestoreRun accepted = restores.accept(Requests.restore("r1").of("b1").build(), Requests.ANYONE).run();
        assertThat(ledger.get("r1").state()).isEqualTo(State.ACCEPTED);

        RestoreService next = restarted();
        List<RestoreRun> pending = next.recover(plan -> false);

        assertThat(pending).singleElement().satisfies(run -> {
            assertThat(run.restoreId()).isEqualTo("r1");
            assertThat(run.state()).isEqualTo(State.ACCEPTED);
            assertThat(run.plan()).isEqualTo(accepted.plan());
        });
        assertThat(next.run(pending.get(0)).state()).isEqualTo(State.COMPLETED);
        assertThat(ports.cluster.claimLabelsIn("shop")).containsOnlyKeys("vol-0", "vol-1");
        assertThat(ledger.get("r1").state()).isEqualTo(State.COMPLETED);
        assertThat(next.find("r1")).containsSame(pending.get(0));
    }

    @Test
    void finishedRestoresAreKnownAfterARestartAndOnlyAnUnreportedOneIsReportedAgain() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));
        ports.store(Entries.point("b2", "manual", 1, 1, T.plusSeconds(60)));
        restores.run(restores.accept(Requests.restore("r1").of("b1").build(), Requests.ANYONE).run());
        RestoreRun r2 = restores.run(restores.accept(Requests.restore("r2").of("b2").into("shop-2").creatingTheNamespace().build(),
                Requests.ANYONE).run());
        restores.reported(r2);

        RestoreService next = restarted();
        List<RestoreRun> pending = next.recover(plan -> false);

        assertThat(pending).extracting(RestoreRun::restoreId).containsExactly("r1");
        assertThat(next.find("r2")).get().satisfies(run -> {
            assertThat(run.state()).isEqualTo(State.COMPLETED);
            assertThat(run.duration()).isEqualTo(r2.duration());
            assertThat(run.volumes()).isEqualTo(r2.volumes());
        });
        assertThat(next.list()).extracting(RestoreRun::restoreId).containsExactlyInAnyOrder("r1", "r2");
    }

    @Test
    void aDrillsRestoreIsNotRunAgainAndARestoreWhosePointWasDeletedFails() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));
        RestorePoint doomed = ports.store(Entries.point("b2", "manual", 1, 1, T.plusSeconds(60)));
        restores.accept(Requests.restore("drill-1").of("b1").into("ferry-drill-1").creatingTheNamespace().build(), Requests.ANYONE);
        restores.accept(Requests.restore("r2").of("b2").into("shop-2").creatingTheNamespace().build(), Requests.ANYONE);
        doomed.volumes().forEach(ports.catalog::delete);

        RestoreService next = restarted();
        List<RestoreRun> pending = next.recover(plan -> plan.restoreId().startsWith("drill-"));

        assertThat(next.find("drill-1")).get().satisfies(run -> {
            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(run.errorCode()).isEqualTo("Interrupted");
        });
        assertThat(ledger.get("drill-1").reported()).as("a drill's restore is its drill's to report").isTrue();
        assertThat(pending).singleElement().satisfies(run -> {
            assertThat(run.restoreId()).isEqualTo("r2");
            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(run.errorCode()).isEqualTo("RestorePointNotFound");
        });
        assertThat(ports.cluster.claimLabelsIn("ferry-drill-1")).as("nothing created for the drill's restore").isEmpty();
    }
}
