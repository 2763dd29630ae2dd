package dev.ferry.snapshot.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.CopySpeed;
import dev.ferry.events.RecoveryObjectives;
import dev.ferry.events.TransferStrategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupPolicyTest {

    private static final PolicyRef REF = new PolicyRef("ops", "nightly", "uid-1");

    @Test
    void aFullSpecIsRead() {
        BackupPolicy policy = read(Map.of("namespace", "shop", "schedule", "0 2 * * *", "keep", 7, "strategy", "vhd-full",
                "suspend", true,
                "selector", Map.of("matchLabels", Map.of("app", "shop"),
                        "matchExpressions", List.of(Map.of("key", "tier", "operator", "In", "values", List.of("db", "cache")))),
                "target", Map.of("region", "westus", "resourceGroup", "ferry-dr-westus", "stagingStorageAccountId",
                        "/subscriptions/6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11/resourceGroups/ferry-dr-westus/providers/Microsoft.Storage/storageAccounts/ferrystagingwestus")));
        assertThat(policy.problems()).isEmpty();
        assertThat(policy.namespace()).isEqualTo("shop");
        assertThat(policy.schedule().expression()).isEqualTo("0 2 * * *");
        assertThat(policy.keep()).isEqualTo(7);
        assertThat(policy.strategy()).isEqualTo(TransferStrategy.VHD_FULL);
        assertThat(policy.suspend()).isTrue();
        assertThat(policy.target().region()).isEqualTo("westus");
        assertThat(policy.selector().matches(Map.of("app", "shop", "tier", "db"))).isTrue();
        assertThat(policy.selector().asEquality()).isEmpty();
    }

    @Test
    void aCopyStartPolicyMayAskForAzuresEnhancedCopySpeedAndNoOtherMay() {
        BackupPolicy fast = read(Map.of("schedule", "0 * * * *", "keep", 3, "strategy", "copy-start", "copySpeed", "enhanced"));
        assertThat(fast.problems()).isEmpty();
        assertThat(fast.copySpeed()).isEqualTo(CopySpeed.ENHANCED);
        assertThat(read(Map.of("schedule", "0 * * * *", "keep", 3, "strategy", "copy-start")).copySpeed())
                .as("absent: export-service's configured speed").isNull();

        assertThat(read(Map.of("schedule", "0 * * * *", "keep", 3, "copySpeed", "enhanced")).problems())
                .containsExactly("copySpeed applies only to the copy-start strategy, not to vhd-incremental");
        assertThat(read(Map.of("schedule", "0 * * * *", "keep", 3, "strategy", "copy-start", "copySpeed", "warp")).problems())
                .containsExactly("copySpeed 'warp' is unknown: standard or enhanced");
    }

    @Test
    void recoveryObjectivesAreDurationsAsKubernetesWritesThem() {
        BackupPolicy both = read(Map.of("schedule", "0 * * * *", "keep", 3, "rpoTarget", "1h30m", "rtoTarget", "90s"));
        assertThat(both.problems()).isEmpty();
        assertThat(both.objectives()).isEqualTo(new RecoveryObjectives(5400L, 90L));
        assertThat(read(Map.of("schedule", "0 * * * *", "keep", 3, "rpoTarget", "15m")).objectives())
                .isEqualTo(new RecoveryObjectives(900L, null));
        assertThat(read(Map.of("schedule", "0 * * * *", "keep", 3)).objectives()).as("none stated").isNull();
        for (String bad : List.of("0s", "1d", "h", "90", "9000000h")) {
            assertThat(read(Map.of("schedule", "0 * * * *", "keep", 3, "rpoTarget", bad)).problems()).as(bad)
                    .containsExactly("rpoTarget must be a duration such as 15m, 1h or 1h30m, above 0 and at most a year, but is '" + bad + "'");
        }
    }

    @Test
    void theNameOfOneOffBackupsIsReserved() {
        BackupPolicy policy = BackupPolicy.read(new PolicyRef("ops", "manual", "uid-2"), 1, java.time.Instant.EPOCH,
                Map.of("schedule", "0 2 * * *", "keep", 1), PolicyStatus.EMPTY);
        assertThat(policy.isValid()).isFalse();
        assertThat(policy.problems()).anySatisfy(p -> assertThat(p).contains("'manual' is reserved"));
    }

    @Test
    void defaultsAreThePolicysNamespaceEveryPvcAndVhdIncremental() {
        BackupPolicy policy = read(Map.of("schedule", "*/15 * * * *", "keep", 1));
        assertThat(policy.isValid()).isTrue();
        assertThat(policy.namespace()).isEqualTo("ops");
        assertThat(policy.selector().asEquality()).contains(Map.of());
        assertThat(policy.strategy()).isEqualTo(TransferStrategy.VHD_INCREMENTAL);
        assertThat(policy.target()).isNull();
        assertThat(policy.suspend()).isFalse();
    }

    @Test
    void everyProblemIsReportedAndTheScheduleIsNotUsable() {
        BackupPolicy policy = read(Map.of("schedule", "0 0 2 * * *", "keep", 0, "strategy", "carrier-pigeon", "namespace", "Bad_NS",
                "selector", Map.of("matchExpressions", List.of(Map.of("key", "tier", "operator", "Exists", "values", List.of("x")),
                        Map.of("key", "app", "operator", "Like"))),
                "target", Map.of("stagingStorageAccountId", "not-an-id")));
        assertThat(policy.isValid()).isFalse();
        assertThat(policy.schedule()).isNull();
        assertThat(String.join("\n", policy.problems()))
                .contains("has 6 fields")
                .contains("keep must be a whole number of at least 1")
                .contains("strategy 'carrier-pigeon' is unknown")
                .contains("namespace 'Bad_NS'")
                .contains("operator Exists takes no values")
                .contains("operator 'Like'")
                .contains("target.stagingStorageAccountId 'not-an-id'");
    }

    @Test
    void aMissingSpecOrScheduleOrKeepIsAProblem() {
        assertThat(BackupPolicy.read(REF, 1, null, null, null).problems()).anyMatch(p -> p.contains("spec is required"));
        assertThat(read(Map.of("keep", 1)).problems()).anyMatch(p -> p.startsWith("schedule is required"));
        assertThat(read(Map.of("schedule", "0 2 * * *")).problems()).anyMatch(p -> p.startsWith("keep is required"));
        assertThat(read(Map.of("schedule", "0 2 * * *", "keep", 2.5)).problems()).anyMatch(p -> p.startsWith("keep must be"));
        assertThat(read(Map.of("schedule", "0 2 * * *", "keep", "3")).problems()).anyMatch(p -> p.startsWith("keep must be"));
    }

    @Test
    void selectorsMatchAsTheApiServerDoes() {
        PolicySelector selector = new PolicySelector(Map.of("app", "shop"), List.of(
                new PolicySelector.Requirement("tier", PolicySelector.Operator.NotIn, List.of("web")),
                new PolicySelector.Requirement("backup", PolicySelector.Operator.DoesNotExist, List.of())));
        assertThat(selector.matches(Map.of("app", "shop"))).isTrue();
        assertThat(selector.matches(Map.of("app", "shop", "tier", "db"))).isTrue();
        assertThat(selector.matches(Map.of("app", "shop", "tier", "web"))).isFalse();
        assertThat(selector.matches(Map.of("app", "shop", "backup", "no"))).isFalse();
        assertThat(selector.matches(Map.of("app", "billing"))).isFalse();
        assertThat(PolicySelector.ALL.matches(Map.of())).isTrue();
        assertThat(new PolicySelector(Map.of("bad key!", "v"), List.of()).problems()).hasSize(1);
        assertThat(new PolicySelector(Map.of(), List.of(new PolicySelector.Requirement("k", PolicySelector.Operator.In, List.of())))
                .problems()).anyMatch(p -> p.contains("needs at least one value"));
    }

    private static BackupPolicy read(Map<String, ?> spec) {
        return BackupPolicy.read(REF, 1, null, spec, null);
    }
}
