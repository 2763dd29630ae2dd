package dev.ferry.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.events.BackupRequested;
import dev.ferry.events.DrTarget;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.snapshot.BackupRefused.Reason;
import dev.ferry.snapshot.config.SnapshotConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request becomes a planned, registered run or a refusal for a stated reason; nothing is created in the cluster. */
class BackupAdmissionTest {

    private static final Instant T0 = Instant.parse("2026-03-01T02:00:00Z");
    private static final String ACCOUNT = "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/ferry-dr-westus"
            + "/providers/Microsoft.Storage/storageAccounts/";

    private final InMemoryVolumeSnapshotter snapshotter = new InMemoryVolumeSnapshotter();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final InMemoryClusterVolumes volumes = new InMemoryClusterVolumes()
            .add(claim("orders-db", "Bound", Claim.AZURE_DISK_DRIVER))
            .add(claim("cart-cache", "Bound", Claim.AZURE_DISK_DRIVER))
            .add(claim("nfs-share", "Pending", null))
            .namespace("empty");
    private BackupRuns runs;

    @Test
    void aNamespaceIsAdmittedWithItsEligiblePvcsByNameAndTheOthersSkippedWithTheReason() {
        BackupAdmission.Admitted admitted = admission(Map.of()).admit(request("b1", "shop", null, null));

        assertThat(admitted.isNew()).isTrue();
        BackupRun run = admitted.run();
        assertThat(run.claims()).extracting(Claim::name).containsExactly("cart-cache", "orders-db");
        assertThat(run.view().skipped()).singleElement().satisfies(s -> {
            assertThat(s.pvc()).isEqualTo("nfs-share");
            assertThat(s.reason()).contains("not Bound");
        });
        assertThat(run.policy()).isEqualTo(BackupAdmission.MANUAL_POLICY);
        assertThat(run.policyRef()).isEqualTo("shop/manual");
        assertThat(run.strategy()).as("ferry.transfer.strategy's default").isEqualTo(TransferStrategy.VHD_INCREMENTAL);
        assertThat(run.target().region()).isEqualTo("westus");
        assertThat(run.target().stagingStorageAccountId()).isEqualTo(ArmResourceId.parse(ACCOUNT + "ferrystagingwestus"));
        assertThat(runs.inMemory("b1")).containsSame(run);
        assertThat(metrics.counter("ferry.snapshot.volumes", "outcome", "skipped").count()).isEqualTo(1);
        assertThat(snapshotter.created).isEmpty();
    }

    @Test
    void thePvcsMatchingTheLabelsAreAdmitted() {
        BackupRun run = admission(Map.of()).admit(request("b1", "shop", null, Map.of("tier", "orders-db"))).run();

        assertThat(run.claims()).extracting(Claim::name).containsExactly("orders-db");
    }

    @Test
    void aPolicyRunIsOwnedByItsPolicyAndTheRequestsStrategyAndTargetWin() {
        DrTarget target = new DrTarget("eastus2", "6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11", "dr", ArmResourceId.parse(ACCOUNT + "other"));
        BackupRequested request = new BackupRequested(FerryEvent.SCHEMA_VERSION, "b1", "b1", "aks-source", "shop", List.of("orders-db"),
                null, "nightly", TransferStrategy.COPY_START, null, target, "schedule", T0);

        BackupRun run = admission(Map.of()).admit(request, "ops/nightly").run();

        assertThat(run.policy()).isEqualTo("nightly");
        assertThat(run.policyRef()).isEqualTo("ops/nightly");
        assertThat(run.strategy()).isEqualTo(TransferStrategy.COPY_START);
        assertThat(run.target()).isEqualTo(target);
    }

    @Test
    void theSameRequestAgainGetsTheKnownRunAsNotNew() {
        BackupAdmission admission = admission(Map.of());
        BackupRun first = admission.admit(request("b1", "shop", null, null)).run();

        BackupAdmission.Admitted again = admission.admit(request("b1", "shop", null, null));

        assertThat(again.isNew()).isFalse();
        assertThat(again.run()).isSameAs(first);
    }

    @Test
    void aRunOnlyRebuiltFromTheClusterGivesWayToTheRequest() {
        BackupAdmission admission = admission(Map.of());
        BackupRun rebuilt = BackupRun.rebuilt("b1", "b1", "shop", BackupAdmission.MANUAL_POLICY, TransferStrategy.VHD_FULL, T0, null);
        runs.register(rebuilt);

        BackupAdmission.Admitted admitted = admission.admit(request("b1", "shop", null, null));

        assertThat(admitted.isNew()).isTrue();
        assertThat(runs.inMemory("b1")).containsSame(admitted.run());
    }

    @Test
    void aRequestThatBreaksTheContractIsInvalidWithEachProblem() {
        BackupRefused refused = refusal(Map.of(), request("b1", "Shop_1", List.of("orders-db"), Map.of("app", "shop")));

        assertThat(refused.reason()).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(refused.details()).anyMatch(d -> d.contains("namespace")).anyMatch(d -> d.contains("labelSelector"));
    }

    @Test
    void anUnknownNamespaceIsRefused() {
        assertThat(refusal(Map.of(), request("b1", "gone", null, null)).reason()).isEqualTo(Reason.NAMESPACE_NOT_FOUND);
    }

    @Test
    void namedPvcsThatDoNotExistAreRefusedByName() {
        BackupRefused refused = refusal(Map.of(), request("b1", "shop", List.of("orders-db", "missing"), null));

        assertThat(refused.reason()).isEqualTo(Reason.PVC_NOT_FOUND);
        assertThat(refused.details()).containsExactly("missing");
    }

    @Test
    void labelsThatNoPvcCarriesAreRefused() {
        assertThat(refusal(Map.of(), request("b1", "shop", null, Map.of("app", "nothing"))).reason()).isEqualTo(Reason.NO_MATCHING_PVC);
    }

    @Test
    void aNamespaceWithoutPvcsIsRefused() {
        BackupRefused refused = refusal(Map.of(), request("b1", "empty", null, null));

        assertThat(refused.reason()).isEqualTo(Reason.NO_MATCHING_PVC);
        assertThat(refused.getMessage()).contains("has no PVC");
    }

    @Test
    void onlyIneligiblePvcsAreRefusedWithWhyEachIsSkipped() {
        BackupRefused refused = refusal(Map.of(), request("b1", "shop", List.of("nfs-share"), null));

        assertThat(refused.reason()).isEqualTo(Reason.NO_ELIGIBLE_PVC);
        assertThat(refused.details()).singleElement().asString().startsWith("nfs-share: ");
    }

    @Test
    void noTargetInTheRequestNorTheConfigurationIsRefused() {
        BackupRefused refused = refusal(Map.of("ferry.target.region", ""), request("b1", "shop", null, null));

        assertThat(refused.reason()).isEqualTo(Reason.TARGET_NOT_ALLOWED);
        assertThat(refused.getMessage()).contains("none is configured");
    }

    @Test
    void aConfiguredStagingAccountIdThatIsNoArmIdStopsTheServiceAtStartInsteadOfRefusingEveryBackup() {
        assertThatThrownBy(() -> SnapshotConfigs.of(Map.of("ferry.target.staging-storage-account-id", "not-an-arm-id")))
                .hasMessageContaining("ferry.target.staging-storage-account-id").hasMessageContaining("not-an-arm-id");
    }

    @Test
    void aTargetWhoseStagingAccountIsNotConfiguredIsRefused() {
        BackupRefused refused = refusal(stagingAccount("other", "westus"), request("b1", "shop", null, null));

        assertThat(refused.reason()).isEqualTo(Reason.TARGET_NOT_ALLOWED);
        assertThat(refused.getMessage()).contains("is not a configured staging account");
    }

    @Test
    void aTargetWhoseStagingAccountIsInAnotherRegionIsRefused() {
        BackupRefused refused = refusal(stagingAccount("ferrystagingwestus", "eastus"), request("b1", "shop", null, null));

        assertThat(refused.reason()).isEqualTo(Reason.TARGET_NOT_ALLOWED);
        assertThat(refused.getMessage()).contains("not in the target region westus");
    }

    @Test
    void aKnownBackupIdAskedForSomethingElseIsAConflict() {
        BackupAdmission admission = admission(Map.of());
        BackupRun first = admission.admit(request("b1", "shop", null, null)).run();

        BackupRefused refused = catchThrowableOfType(BackupRefused.class,
                () -> admission.admit(request("b1", "shop", List.of("orders-db"), null)));

        assertThat(refused.reason()).isEqualTo(Reason.BACKUP_ID_CONFLICT);
        assertThat(runs.inMemory("b1")).containsSame(first);
    }

    @Test
    void anEighthSnapshotOfAPvcsDiskWithinFiveMinutesIsRefusedUntilTheOldestLeavesTheWindow() {
        sevenSnapshotsOf("orders-db", 240);

        BackupRefused refused = refusal(Map.of(), request("b8", "shop", List.of("orders-db"), null));

        assertThat(refused.reason()).isEqualTo(Reason.SNAPSHOT_RATE_LIMITED);
        assertThat(refused.reason().status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("SnapshotRateLimited");
        assertThat(refused.retryable()).isTrue();
        // The oldest of the seven was taken 240 s ago and counts for 300 s.
        assertThat(refused.retryAfter()).contains(Duration.ofSeconds(60));
        assertThat(refused.getMessage()).contains("shop/orders-db").contains("7 snapshots of a disk in 5 min").contains("60 s");
        assertThat(refused.details()).singleElement().asString().startsWith("orders-db: 7 snapshots")
                .contains(T0.plusSeconds(60).toString());
        assertThat(snapshotter.created).isEmpty();
    }

    @Test
    void anotherPvcOfTheNamespaceIsNotHeldBackByOnesLimit() {
        sevenSnapshotsOf("orders-db", 240);

        BackupAdmission.Admitted admitted = admission(Map.of()).admit(request("b8", "shop", List.of("cart-cache"), null));

        assertThat(admitted.isNew()).isTrue();
    }

    @Test
    void aRequestOfSeveralPvcsIsRefusedWholeIfAnyIsAtTheLimitAndNamesOnlyThatOne() {
        sevenSnapshotsOf("orders-db", 240);

        BackupRefused refused = refusal(Map.of(), request("b8", "shop", null, null));

        assertThat(refused.reason()).isEqualTo(Reason.SNAPSHOT_RATE_LIMITED);
        assertThat(refused.getMessage()).contains("shop/orders-db").doesNotContain("cart-cache");
        assertThat(refused.details()).singleElement().asString().startsWith("orders-db:");
    }

    @Test
    void snapshotsThatRunsAdmittedHereAreYetToCreateCountAsTakenNow() {
        BackupAdmission admission = admission(Map.of());
        for (int i = 1; i <= 7; i++) {
            assertThat(admission.admit(request("b" + i, "shop", List.of("orders-db"), null)).isNew()).isTrue();
        }

        BackupRefused refused = catchThrowableOfType(BackupRefused.class,
                () -> admission.admit(request("b8", "shop", List.of("orders-db"), null)));

        assertThat(refused.reason()).isEqualTo(Reason.SNAPSHOT_RATE_LIMITED);
        assertThat(refused.retryAfter()).contains(Duration.ofMinutes(5));
        assertThat(runs.inMemory("b8")).isEmpty();
    }

    @Test
    void aSnapshotCreatedByARunAndSeenInTheClusterIsCountedOnce() {
        BackupAdmission admission = admission(Map.of());
        BackupRun first = admission.admit(request("b1", "shop", List.of("orders-db"), null)).run();
        // The run has created its snapshot (and the cluster lists it) but has not yet marked its volume.
        snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", SnapshotNames.volumeSnapshot("b1", "uid-orders-db"), "orders-db",
                T0.minusSeconds(10)));
        for (int i = 0; i < 5; i++) {
            snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", "other-" + i, "orders-db", T0.minusSeconds(100)));
        }

        assertThat(first.plannedSnapshots()).hasSize(1);
        assertThat(admission.admit(request("b7", "shop", List.of("orders-db"), null)).isNew()).as("the seventh").isTrue();
    }

    @Test
    void snapshotsOlderThanTheWindowAndOfOtherPvcsDoNotCount() {
        for (int i = 0; i < 7; i++) {
            snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", "old-" + i, "orders-db", T0.minusSeconds(301 + i)));
            snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", "cart-" + i, "cart-cache", T0.minusSeconds(10)));
        }

        assertThat(admission(Map.of()).admit(request("b8", "shop", List.of("orders-db"), null)).isNew()).isTrue();
    }

    @Test
    void aResumedRunWhoseSnapshotExistsTakesNoNewOneAndIsNotRefused() {
        sevenSnapshotsOf("orders-db", 240);
        snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", SnapshotNames.volumeSnapshot("b1", "uid-orders-db"), "orders-db",
                T0.minusSeconds(5)));

        assertThat(admission(Map.of()).admit(request("b1", "shop", List.of("orders-db"), null)).isNew()).isTrue();
    }

    @Test
    void theConfiguredLimitAndWindowAreKept() {
        snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", "s1", "orders-db", T0.minusSeconds(25)));
        snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", "s2", "orders-db", T0.minusSeconds(20)));

        BackupRefused refused = refusal(Map.of("ferry.snapshot.rate-limit.max-snapshots", "2", "ferry.snapshot.rate-limit.window", "30s"),
                request("b3", "shop", List.of("orders-db"), null));

        assertThat(refused.retryAfter()).contains(Duration.ofSeconds(5));
        assertThat(refused.getMessage()).contains("2 snapshots of a disk in 30 s");
    }

    /** Seven snapshots of the PVC (not made by Ferry: they count all the same), the oldest {@code oldestSecondsAgo}. */
    private void sevenSnapshotsOf(String pvc, long oldestSecondsAgo) {
        snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", pvc + "-oldest", pvc, T0.minusSeconds(oldestSecondsAgo)));
        for (int i = 1; i < 7; i++) {
            snapshotter.add(InMemoryVolumeSnapshotter.takenOf("shop", pvc + "-" + i, pvc, T0.minusSeconds(oldestSecondsAgo - 10L * i)));
        }
    }

    private BackupAdmission admission(Map<String, String> keys) {
        SnapshotConfig config = SnapshotConfigs.of(keys);
        runs = new BackupRuns(snapshotter, config, Clock.fixed(T0, ZoneOffset.UTC));
        return new BackupAdmission(config, volumes, snapshotter, runs, metrics, Clock.fixed(T0, ZoneOffset.UTC));
    }

    /** The refusal of a request, after which no run is registered under its backupId. */
    private BackupRefused refusal(Map<String, String> keys, BackupRequested request) {
        BackupRefused refused = catchThrowableOfType(BackupRefused.class, () -> admission(keys).admit(request));
        assertThat(refused).as("a refusal").isNotNull();
        assertThat(runs.inMemory(request.backupId())).isEmpty();
        return refused;
    }

    /** The keys that make the account of this name, in this region, the one staging account a target may name. */
    private static Map<String, String> stagingAccount(String name, String region) {
        return Map.of("ferry.staging-accounts." + name + ".id", ACCOUNT + name, "ferry.staging-accounts." + name + ".region", region);
    }

    private static BackupRequested request(String backupId, String namespace, List<String> pvcNames, Map<String, String> labels) {
        return new BackupRequested(FerryEvent.SCHEMA_VERSION, backupId, backupId, "aks-source", namespace, pvcNames, labels, null, null,
                null, null, "rest", T0);
    }

    /** A PVC of namespace shop labelled {@code app=shop} and {@code tier=<name>}. */
    private static Claim claim(String name, String phase, String csiDriver) {
        return new Claim("shop", name, "uid-" + name, "managed-csi", List.of("ReadWriteOnce"), "Filesystem", 1L << 30, 1L << 30,
                Map.of("app", "shop", "tier", name), phase, false, "pv-" + name, csiDriver,
                "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/mc/providers/Microsoft.Compute/disks/" + name);
    }
}
