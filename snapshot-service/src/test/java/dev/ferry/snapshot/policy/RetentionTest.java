package dev.ferry.snapshot.policy;

import static dev.ferry.snapshot.InMemoryVolumeSnapshotter.ready;
import static dev.ferry.snapshot.InMemoryVolumeSnapshotter.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.TransferStrategy;
import dev.ferry.snapshot.BackupRun;
import dev.ferry.snapshot.BackupRuns;
import dev.ferry.snapshot.Claim;
import dev.ferry.snapshot.FerryLabels;
import dev.ferry.snapshot.InMemoryVolumeSnapshotter;
import dev.ferry.snapshot.SnapshotConfigs;
import dev.ferry.snapshot.config.SnapshotConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retention over the VolumeSnapshots' labels and what the runs in memory know, with an in-memory snapshotter. */
class RetentionTest {

    private static final Instant NOW = Instant.parse("2026-03-10T02:00:00Z");
    private static final String UID = "0b4c1a9e-6f3d-4e2a-8c7b-5d9e0f1a2b3c";

    private final InMemoryVolumeSnapshotter snapshotter = new InMemoryVolumeSnapshotter();
    private final SnapshotConfig config = SnapshotConfigs.of(Map.of());
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final BackupRuns runs = new BackupRuns(snapshotter, config, clock);
    private final Retention retention = new Retention(snapshotter, runs, config, new SimpleMeterRegistry(), clock);

    @Test
    void aPolicyOfTheSameNameInAnotherNamespaceDeletesNoneOfTheVictimsSnapshots() {
        for (int day = 1; day <= 3; day++) {
            snapshotter.add(ready("shop", "s" + day, UID, NOW.minus(Duration.ofDays(10 - day)), ownedBy("shop/nightly")));
        }
        // Made before the policy-ref annotation existed: the name alone, in the policy's own namespace.
        snapshotter.add(ready("shop", "legacy", UID, NOW.minus(Duration.ofDays(20)), Map.of(FerryLabels.POLICY, "nightly")));

        RetentionPlan attacker = retention.apply("attacker/nightly", 1, "shop", UID);
        RetentionPlan manual = retention.apply("attacker/manual", 1, "shop", UID);

        assertThat(attacker.keep()).isEmpty();
        assertThat(attacker.delete()).isEmpty();
        assertThat(manual.delete()).isEmpty();
        assertThat(snapshotter.deleted).isEmpty();

        RetentionPlan own = retention.apply("shop/nightly", 1, "shop", UID);
        assertThat(own.keep()).containsExactly("s3");
        assertThat(own.delete()).containsExactly("s2", "s1", "legacy");
    }

    @Test
    void aSnapshotBeingDeletedIsNotAKeptRestorePoint() {
        snapshotter.add(ready("shop", "older", UID, NOW.minus(Duration.ofDays(3)), ownedBy("shop/nightly")));
        snapshotter.add(state("shop", "going", UID, NOW.minus(Duration.ofDays(2)), ownedBy("shop/nightly"), true, true));

        RetentionPlan plan = retention.apply("shop/nightly", 1, "shop", UID);

        assertThat(plan.keep()).containsExactly("older");
        assertThat(plan.delete()).isEmpty();
        assertThat(snapshotter.names("shop")).contains("older");
    }

    @Test
    void anUnknownSnapshotStillBeingTakenKeepsItsFutureBase() {
        // A one-off backup (another replica's, or before a restart) is still being taken: its base will be "base".
        snapshotter.add(ready("shop", "base", UID, NOW.minus(Duration.ofHours(3)), ownedBy("shop/nightly")));
        snapshotter.add(state("shop", "one-off", UID, NOW.minus(Duration.ofHours(2)), ownedBy("shop/manual"), false, false));
        snapshotter.add(ready("shop", "newest", UID, NOW.minus(Duration.ofHours(1)), ownedBy("shop/nightly")));

        RetentionPlan plan = retention.apply("shop/nightly", 1, "shop", UID);

        assertThat(plan.keep()).containsExactly("newest");
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.protect()).containsKey("base");
    }

    @Test
    void aTakenVolumeOfARunInMemoryCountsAsExportingOnlyForTheGrace() {
        Instant old = NOW.minus(config.retention().unknownExportGrace()).minus(Duration.ofHours(1));
        BackupRun run = BackupRun.plan("backup-stale", "backup-stale", "shop", "nightly", "shop/nightly", TransferStrategy.VHD_FULL,
                null, null, old, "schedule", null, null, List.of(claim()), List.of());
        run.snapshotting(UID, "stale", old);
        run.taken(UID, null, null, old);
        runs.register(run);
        snapshotter.add(ready("shop", "stale", UID, old, ownedBy("shop/nightly")));
        // Past the grace too, so it is not an export of unknown progress protecting "stale" as its base.
        snapshotter.add(ready("shop", "newest", UID, old.plus(Duration.ofMinutes(30)), ownedBy("shop/nightly")));

        RetentionPlan plan = retention.apply("shop/nightly", 1, "shop", UID);

        assertThat(plan.protect()).isEmpty();
        assertThat(plan.delete()).containsExactly("stale");
    }

    @Test
    void theOwnerOfASnapshotIsItsPolicyRefOrElseItsNamespacesPolicyOfThatName() {
        assertThat(Retention.policyRef(ready("shop", "a", UID, NOW, ownedBy("ops/nightly")))).isEqualTo("ops/nightly");
        assertThat(Retention.policyRef(ready("shop", "b", UID, NOW, Map.of(FerryLabels.POLICY, "nightly")))).isEqualTo("shop/nightly");
        assertThat(Retention.policyRef(ready("shop", "c", UID, NOW, Map.of()))).isNull();
    }

    private static Map<String, String> ownedBy(String policyRef) {
        return Map.of(FerryLabels.POLICY, policyRef.substring(policyRef.indexOf('/') + 1), FerryLabels.POLICY_REF, policyRef);
    }

    static Claim claim() {
        return new Claim("shop", "orders-db", UID, "managed-csi", List.of("ReadWriteOnce"), "Filesystem", 1L << 30, 1L << 30,
                Map.of("app", "shop"), "Bound", false, "pv-1", Claim.AZURE_DISK_DRIVER,
                "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/mc/providers/Microsoft.Compute/disks/pvc-1");
    }
}
