package dev.ferry.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.ferry.events.RestoredVolume;
import dev.ferry.restore.RestoreRun.State;
import dev.ferry.restore.catalog.Entries;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VolumeRestorerTest {

    private static final Instant T = Instant.parse("2026-11-24T00:00:00Z");
    private static final Instant RECEIVED = T.plusSeconds(3600);
    private static final Duration BIND_TIMEOUT = Duration.ofMillis(200);

    private final InMemoryPorts ports = new InMemoryPorts();
    private final InMemoryDrCluster cluster = ports.cluster;
    private final VolumeRestorer restorer = new VolumeRestorer(cluster, ports.view, BIND_TIMEOUT, Duration.ofMillis(10),
            Clock.fixed(RECEIVED.plusSeconds(5), ZoneOffset.UTC));

    @Test
    void eachVolumeBecomesASnapshotContentAVolumeSnapshotAndABoundPvc() {
        RestoreRun run = restorer.restore(accepted(Set.of()));

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(run.volumes()).extracting(RestoredVolume::pvcName, RestoredVolume::phase)
                .containsExactly(tuple("vol-0", "Bound"), tuple("vol-1", "Bound"));
        assertThat(cluster.namespaces.get("drill")).containsEntry(VolumeRestorer.RESTORE_ID_LABEL, "r1")
                .containsEntry(VolumeRestorer.RESTORE_POINT_LABEL, "b1").containsEntry(VolumeRestorer.MANAGED_BY, "ferry");
        InMemoryDrCluster.SnapshotContent content = cluster.snapshotContents.get("ferry-r1-1");
        assertThat(content.snapshotHandle()).isEqualTo(run.point().volumes().get(1).snapshotId().toString());
        assertThat(content.snapshotRef()).isEqualTo("drill/ferry-r1-1");
        assertThat(cluster.volumeSnapshots).containsEntry("drill/ferry-r1-1", "ferry-r1-1");
        RestoredClaim claim = cluster.claims.get("drill/vol-1");
        assertThat(claim.snapshotName()).isEqualTo("ferry-r1-1");
        assertThat(claim.storageClassName()).isEqualTo("managed-csi");
        assertThat(claim.requestBytes()).isEqualTo(1L << 30);
        assertThat(claim.labels()).containsEntry("app", "shop").containsEntry(VolumeRestorer.RESTORE_ID_LABEL, "r1");
        assertThat(claim.annotations()).containsEntry(VolumeRestorer.SOURCE_ANNOTATION, "aks-source/shop/vol-1");
        assertThat(ports.leased("b1")).as("the restore point is let go").isFalse();
    }

    @Test
    void aPvcThatNeverBindsFailsTheRestoreAtTheBindTimeout() {
        cluster.claimsBecome("Pending");
        long started = System.nanoTime();

        RestoreRun run = restorer.restore(accepted(Set.of()));

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.errorCode()).isEqualTo("BindTimeout");
        assertThat(run.error()).isEqualTo("PVCs [vol-0, vol-1] in namespace drill were not Bound within PT0.2S");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(BIND_TIMEOUT);
        assertThat(ports.leased("b1")).isFalse();
    }

    @Test
    void aPvcOfAClassThatBindsOnFirstConsumerIsReadyOnceItExists() {
        cluster.claimsBecome("Pending");

        RestoreRun run = restorer.restore(accepted(Set.of("managed-csi")));

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.volumes()).extracting(RestoredVolume::phase).containsExactly("Pending", "Pending");
    }

    @Test
    void aLostPvcFailsTheRestore() {
        cluster.claimsBecome("Lost");

        RestoreRun run = restorer.restore(accepted(Set.of()));

        assertThat(run.errorCode()).isEqualTo("ClaimLost");
        assertThat(run.error()).isEqualTo("PVC drill/vol-0 is Lost");
    }

    @Test
    void aPvcSomeoneElseCreatedDuringTheRestoreIsLeftAlone() {
        cluster.withClaim("drill", "vol-1", Map.of("app", "theirs"));

        RestoreRun run = restorer.restore(accepted(Set.of()));

        assertThat(run.errorCode()).isEqualTo("PvcConflict");
        assertThat(cluster.claims).containsOnlyKeys("drill/vol-0");
        assertThat(ports.leased("b1")).isFalse();
    }

    @Test
    void aDrClusterThatRefusesAnObjectFailsTheRestore() {
        RestoreRun accepted = accepted(Set.of());
        cluster.stopAnswering();

        RestoreRun run = restorer.restore(accepted);

        assertThat(run.errorCode()).isEqualTo("RestoreFailed");
        assertThat(run.error()).isEqualTo("the DR cluster refused an object of the restore (IllegalStateException)");
        assertThat(ports.leased("b1")).isFalse();
    }

    @Test
    void aRestoreRunsOnceOnly() {
        RestoreRun run = restorer.restore(accepted(Set.of()));
        cluster.claims.clear();

        assertThat(restorer.restore(run)).isSameAs(run);
        assertThat(cluster.claims).isEmpty();
    }

    /** Restore point b1 (vol-0 and vol-1, class managed-csi) admitted into namespace drill, which does not exist yet. */
    private RestoreRun accepted(Set<String> firstConsumerClasses) {
        RestorePoint point = ports.store(Entries.point("b1", "manual", 2, 2, T));
        assertThat(ports.view.lease("b1")).isTrue();
        return new RestoreRun(new RestorePlan(Requests.restore("r1").of("b1").into("drill").creatingTheNamespace().build(), point,
                "drill", Map.of(0, "managed-csi", 1, "managed-csi"), firstConsumerClasses, RECEIVED));
    }
}
