package dev.ferry.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.restore.RestoreRefused.Reason;
import dev.ferry.restore.catalog.Entries;
import dev.ferry.restore.catalog.RestorePoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class RestoreAdmissionTest {

    private static final Instant T = Instant.parse("2026-11-24T00:00:00Z");
    private static final Instant RECEIVED = T.plusSeconds(3600);

    private final InMemoryPorts ports = new InMemoryPorts();
    private final RestoreAdmission admission = ports.admission();

    @Test
    void aRestorePointThatPassesEveryCheckBecomesAPlanThatHoldsIt() {
        RestorePoint point = ports.store(Entries.point("b1", "manual", 2, 2, T));

        RestorePlan plan = admission.admit(Requests.restore("r1").of("b1").build(), Requests.ANYONE, RECEIVED);

        assertThat(plan.point()).isEqualTo(point);
        assertThat(plan.targetNamespace()).isEqualTo("shop");
        assertThat(plan.storageClasses()).isEqualTo(Map.of(0, "managed-csi", 1, "managed-csi"));
        assertThat(plan.firstConsumerClasses()).isEmpty();
        assertThat(plan.receivedAt()).isEqualTo(RECEIVED);
        assertThat(ports.leased("b1")).isTrue();
        assertThat(ports.cluster.storageClassReads()).as("each storage class is read once").isEqualTo(1);
    }

    @Test
    void aRequestThatNamesBothARestorePointAndANamespaceIsInvalid() {
        assertRefused(() -> RestoreAdmission.checkValid(Requests.restore("r1").of("b1").latestOf("shop").build()),
                Reason.INVALID_REQUEST).hasMessageContaining("exactly one of restorePointId and namespace");
        RestoreAdmission.checkValid(Requests.restore("r1").of("b1").build());
    }

    @Test
    void aRestorePointTheViewLacksIsLookedForInTheCatalog() {
        ports.catalog.record(Entries.entry("b1", "manual", 0, 1, T));
        ports.snapshots.add(Entries.entry("b1", "manual", 0, 1, T).snapshotId());

        assertThat(admission.admit(Requests.restore("r1").of("b1").build(), Requests.ANYONE, RECEIVED).point().id()).isEqualTo("b1");
    }

    @Test
    void aRestorePointThatIsNowhereIsNotFound() {
        assertRefused(() -> admission.admit(Requests.restore("r1").of("b9").build(), Requests.ANYONE, RECEIVED), Reason.RESTORE_POINT_NOT_FOUND)
                .hasMessage("restore point b9 is not in the catalog");
        assertRefused(() -> admission.admit(Requests.restore("r1").latestOf("other").build(), Requests.ANYONE, RECEIVED), Reason.RESTORE_POINT_NOT_FOUND)
                .hasMessage("namespace other has no restore point in the catalog");
    }

    @Test
    void theLatestOfANamespaceIsItsNewestCompleteRestorePoint() {
        ports.store(Entries.point("older", "manual", 1, 1, T));
        ports.store(Entries.point("newer-partial", "manual", 1, 2, T.plusSeconds(60)));

        assertThat(admission.admit(Requests.restore("r1").latestOf("shop").build(), Requests.ANYONE, RECEIVED).point().id()).isEqualTo("older");
        assertThat(ports.leased("newer-partial")).isFalse();
    }

    @Test
    void aNamespaceBackedUpFromTwoClustersNeedsTheSourceCluster() {
        ports.store(RestorePoint.of(List.of(Entries.entry("aks-a", "a1", "manual", 0, 1, T))));
        ports.store(RestorePoint.of(List.of(Entries.entry("aks-b", "b1", "manual", 0, 1, T))));

        assertRefused(() -> admission.admit(Requests.restore("r1").latestOf("shop").build(), Requests.ANYONE, RECEIVED), Reason.AMBIGUOUS_NAMESPACE)
                .extracting(e -> ((RestoreRefused) e).details()).isEqualTo(List.of("aks-a", "aks-b"));
        assertThat(admission.admit(Requests.restore("r1").latestOf("shop").fromCluster("aks-b").build(), Requests.ANYONE, RECEIVED).point().id())
                .isEqualTo("b1");
    }

    @Test
    void anIncompleteRestorePointIsRefusedUnlessPartialRestoresAreAllowed() {
        ports.store(Entries.point("b1", "manual", 1, 2, T));

        assertRefused(() -> admission.admit(Requests.restore("r1").of("b1").build(), Requests.ANYONE, RECEIVED), Reason.RESTORE_POINT_INCOMPLETE)
                .extracting(e -> ((RestoreRefused) e).details()).isEqualTo(List.of("volume 1 is missing"));
        assertThat(ports.leased("b1")).as("a refusal holds nothing").isFalse();
        assertThat(admission.admit(Requests.restore("r1").of("b1").allowingPartial().build(), Requests.ANYONE, RECEIVED).point().volumes()).hasSize(1);
    }

    @Test
    void aMissingTargetNamespaceIsRefusedUnlessTheRestoreMayCreateIt() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));

        assertRefused(() -> admission.admit(Requests.restore("r1").of("b1").into("drill").build(), Requests.ANYONE, RECEIVED), Reason.NAMESPACE_NOT_FOUND);
        assertThat(admission.admit(Requests.restore("r1").of("b1").into("drill").creatingTheNamespace().build(), Requests.ANYONE, RECEIVED)
                .targetNamespace()).isEqualTo("drill");
    }

    @Test
    void aMissingStorageClassIsRefusedAndAMappedOneTellsHowItBinds() {
        ports.store(Entries.point("b1", "manual", 2, 2, T));

        assertRefused(() -> admission.admit(Requests.restore("r1").of("b1").mapping("managed-csi", "zrs").build(), Requests.ANYONE, RECEIVED),
                Reason.STORAGE_CLASS_NOT_FOUND).hasMessage("storage class zrs (mapped from managed-csi) does not exist on the DR cluster");
        ports.cluster.withStorageClass("zrs", "WaitForFirstConsumer");
        RestorePlan plan = admission.admit(Requests.restore("r1").of("b1").mapping("managed-csi", "zrs").build(), Requests.ANYONE, RECEIVED);

        assertThat(plan.storageClasses()).isEqualTo(Map.of(0, "zrs", 1, "zrs"));
        assertThat(plan.firstConsumerClasses()).containsExactly("zrs");
    }

    @Test
    void aPvcOfTheSameNameIsAConflictUnlessThisRestoreMadeIt() {
        ports.store(Entries.point("b1", "manual", 2, 2, T));
        ports.cluster.withClaim("shop", "vol-0", Map.of(VolumeRestorer.RESTORE_ID_LABEL, "r1"))
                .withClaim("shop", "vol-1", Map.of("app", "shop"));

        assertRefused(() -> admission.admit(Requests.restore("r1").of("b1").build(), Requests.ANYONE, RECEIVED), Reason.PVC_CONFLICT)
                .extracting(e -> ((RestoreRefused) e).details()).isEqualTo(List.of("PVC shop/vol-1 exists already and is not from this restore"));
    }

    @Test
    void aRegionBSnapshotThatIsGoneIsReportedBeforeAnythingIsCreated() {
        RestorePoint point = ports.store(Entries.point("b1", "manual", 2, 2, T));
        ports.snapshots.delete(point.volumes().get(1).snapshotId());

        assertRefused(() -> admission.admit(Requests.restore("r1").of("b1").build(), Requests.ANYONE, RECEIVED), Reason.SNAPSHOT_MISSING)
                .hasMessageContaining("the region-B snapshot of PVC vol-1 no longer exists");
        assertThat(ports.cluster.namespaces).containsOnlyKeys("shop");
        assertThat(ports.cluster.claims).isEmpty();
    }

    @Test
    void aDrClusterThatDoesNotAnswerMakesARefusalWorthRetrying() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));
        ports.cluster.stopAnswering();

        assertRefused(() -> admission.admit(Requests.restore("r1").of("b1").build(), Requests.ANYONE, RECEIVED), Reason.DEPENDENCY_UNAVAILABLE)
                .extracting(e -> ((RestoreRefused) e).retryable()).isEqualTo(true);
        assertThat(ports.leased("b1")).isFalse();
    }

    @Test
    void aWithdrawnPlanNoLongerHoldsItsRestorePoint() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));

        admission.withdraw(admission.admit(Requests.restore("r1").of("b1").build(), Requests.ANYONE, RECEIVED));

        assertThat(ports.leased("b1")).isFalse();
    }

    @Test
    void aKnownRestoreIdMustAskForTheSameThingAgain() {
        ports.store(Entries.point("b1", "manual", 1, 1, T));
        RestoreRun known = new RestoreRun(admission.admit(Requests.restore("r1").of("b1").mapping("a", "a").build(), Requests.ANYONE, RECEIVED));

        assertThat(RestoreAdmission.checkSameAsk(known, Requests.restore("r1").of("b1").mapping("a", "a").build())).isSameAs(known);
        assertRefused(() -> RestoreAdmission.checkSameAsk(known, Requests.restore("r1").of("b1").into("drill").build()),
                Reason.RESTORE_ID_CONFLICT);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Runnable call, Reason reason) {
        return assertThatThrownBy(call::run).isInstanceOfSatisfying(RestoreRefused.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
