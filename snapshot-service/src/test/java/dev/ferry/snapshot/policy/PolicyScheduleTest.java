package dev.ferry.snapshot.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolicyScheduleTest {

    private static final CronSchedule NIGHTLY = CronSchedule.parse("0 2 * * *");
    private static final CronSchedule EVERY_MINUTE = CronSchedule.parse("* * * * *");

    @Test
    void aPolicyThatNeverRanIsDueAtTheFirstFireTimeAfterItsCreation() {
        Instant created = Instant.parse("2026-03-01T01:30:00Z");
        assertThat(PolicySchedule.dueSlot(NIGHTLY, null, created, Instant.parse("2026-03-01T01:59:59Z"))).isEmpty();
        assertThat(PolicySchedule.dueSlot(NIGHTLY, null, created, Instant.parse("2026-03-01T02:00:00Z")))
                .contains(Instant.parse("2026-03-01T02:00:00Z"));
        assertThat(PolicySchedule.dueSlot(NIGHTLY, null, created, Instant.parse("2026-03-01T02:00:41.5Z")))
                .contains(Instant.parse("2026-03-01T02:00:00Z"));
    }

    @Test
    void aFireTimeBeforeTheCreationDoesNotCount() {
        Instant created = Instant.parse("2026-03-01T02:00:30Z");
        assertThat(PolicySchedule.dueSlot(NIGHTLY, null, created, Instant.parse("2026-03-01T09:00:00Z"))).isEmpty();
        assertThat(PolicySchedule.dueSlot(EVERY_MINUTE, null, created, Instant.parse("2026-03-01T02:00:59Z"))).isEmpty();
        assertThat(PolicySchedule.dueSlot(EVERY_MINUTE, null, created, Instant.parse("2026-03-01T02:01:00Z")))
                .contains(Instant.parse("2026-03-01T02:01:00Z"));
    }

    @Test
    void aRecordedRunIsNotDueAgainUntilTheNextFireTime() {
        Instant last = Instant.parse("2026-03-01T02:00:00Z");
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(PolicySchedule.dueSlot(NIGHTLY, last, created, Instant.parse("2026-03-01T02:00:05Z"))).isEmpty();
        assertThat(PolicySchedule.dueSlot(NIGHTLY, last, created, Instant.parse("2026-03-02T01:59:59Z"))).isEmpty();
        assertThat(PolicySchedule.dueSlot(NIGHTLY, last, created, Instant.parse("2026-03-02T02:00:00Z")))
                .contains(Instant.parse("2026-03-02T02:00:00Z"));
    }

    @Test
    void missedFireTimesCoalesceIntoOneRunForTheNewest() {
        Instant last = Instant.parse("2026-03-01T02:00:00Z");
        // Five nights down: one run, for the newest fire time, not five.
        assertThat(PolicySchedule.dueSlot(NIGHTLY, last, null, Instant.parse("2026-03-06T13:00:00Z")))
                .contains(Instant.parse("2026-03-06T02:00:00Z"));
        assertThat(PolicySchedule.dueSlot(NIGHTLY, Instant.parse("2026-03-06T02:00:00Z"), null, Instant.parse("2026-03-06T13:00:00Z")))
                .isEmpty();
    }

    @Test
    void cronFieldsFollowUnixCron() {
        CronSchedule weekdays = CronSchedule.parse("30 */6 * * 1-5");
        // 2026-03-07 is a Saturday: the newest fire time is Friday 18:30.
        assertThat(weekdays.lastFireAtOrBefore(Instant.parse("2026-03-07T12:00:00Z"))).contains(Instant.parse("2026-03-06T18:30:00Z"));
        assertThat(weekdays.nextFireAfter(Instant.parse("2026-03-07T12:00:00Z"))).contains(Instant.parse("2026-03-09T00:30:00Z"));
        assertThat(CronSchedule.parse(" 0  2 * *  * ").expression()).isEqualTo("0 2 * * *");
        // Day of month and day of week both restricted: either matches, as in Unix cron (2026-03-09 is a Monday).
        assertThat(CronSchedule.parse("0 0 1 * 1").lastFireAtOrBefore(Instant.parse("2026-03-10T00:00:00Z")))
                .contains(Instant.parse("2026-03-09T00:00:00Z"));
    }

    @Test
    void invalidExpressionsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> CronSchedule.parse("every night")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 2 * * *")).hasMessageContaining("has 6 fields");
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *")).hasMessageContaining("not a valid cron expression");
        assertThatThrownBy(() -> CronSchedule.parse("* 25 * * *")).hasMessageContaining("not a valid cron expression");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 30 2 *")).hasMessageContaining("never fires");
        assertThatThrownBy(() -> CronSchedule.parse("@daily")).hasMessageContaining("has 1 fields");
        assertThatThrownBy(() -> CronSchedule.parse("")).hasMessageContaining("cron expression");
        assertThatThrownBy(() -> CronSchedule.parse(null)).hasMessageContaining("cron expression");
    }

    @Test
    void theBackupIdOfARunDerivesFromThePolicyAndTheFireTime() {
        PolicyRef policy = new PolicyRef("shop", "nightly.shop", "7c1e9a2e-0000-4000-8000-000000000001");
        Instant slot = Instant.parse("2026-03-01T02:00:00Z");
        String id = PolicyBackupIds.of(policy, slot);
        assertThat(id).startsWith("nightly-shop-202603010200-").hasSize("nightly-shop-202603010200-".length() + 8);
        assertThat(PolicyBackupIds.of(policy, slot)).isEqualTo(id);
        assertThat(PolicyBackupIds.of(new PolicyRef("shop", "nightly.shop", "other-uid"), slot)).isNotEqualTo(id);
        String longest = PolicyBackupIds.of(new PolicyRef("shop", "a".repeat(253), "u"), slot);
        assertThat(longest).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
}
