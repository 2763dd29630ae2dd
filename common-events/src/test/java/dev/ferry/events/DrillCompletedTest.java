package dev.ferry.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.events.validation.Violations;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A drill's outcome and the fields that go with it: the rules between fields, Java's side of them. */
class DrillCompletedTest {

    private static final Instant STARTED = Instant.parse("2026-12-02T03:00:00Z");

    /** A passed drill with a check; each test changes what it is about. */
    private static DrillCompleted passed(DrillOutcome outcome, DrillStep failedStep, String errorCode, String error,
                                         String restorePointId, Instant recoveryPointAt, Long rtoMillis, boolean cleanedUp) {
        return new DrillCompleted(FerryEvent.SCHEMA_VERSION, "d-1", "corr-1", DrillTrigger.SCHEDULED, "aks-shop-eastus", "shop",
                restorePointId, "ferry-drill-d-1", outcome, failedStep, errorCode, error, recoveryPointAt, rtoMillis, 900L,
                new DrillCheck("shop-drill-check", DrillCheckOutcome.SUCCEEDED, 12_800), 2, cleanedUp, STARTED,
                STARTED.plusSeconds(70));
    }

    private static DrillCompleted passed() {
        return passed(DrillOutcome.PASSED, null, null, null, "rp-1", STARTED.minusSeconds(3600), 41_250L, true);
    }

    private static DrillCompleted failedAt(DrillStep step) {
        return passed(DrillOutcome.FAILED, step, "BindTimeout", "PVC orders-db was not Bound in time", "rp-1",
                STARTED.minusSeconds(3600), null, true);
    }

    @Test
    void aPassedDrillIsKeyedByItsIdAboutItsApplicationsNamespace() {
        EventEnvelope envelope = EventEnvelope.of(passed(), new EventSource("restore-service", "aks-dr-westus"),
                Clock.fixed(STARTED, ZoneOffset.UTC));

        assertThat(envelope.topic()).isEqualTo(Topics.DRILL_COMPLETED).isEqualTo("ferry.drill.completed");
        assertThat(envelope.key()).isEqualTo("d-1");
        assertThat(envelope.attributes().subject()).isEqualTo("shop");
        assertThat(envelope.attributes().type()).isEqualTo("ferry.drill.completed.v1");
        assertThat(envelope.attributes().dataSchema())
                .isEqualTo(URI.create("https://ferry.dev/schemas/ferry.drill.completed.v1.schema.json"));
        assertThat(EventJson.read(EventJson.write(passed()), DrillCompleted.class)).isEqualTo(passed());
    }

    @Test
    void aPassedDrillNamesNoFailure() {
        DrillCompleted event = passed(DrillOutcome.PASSED, DrillStep.CHECK, "CheckFailed", "exit 1", "rp-1",
                STARTED.minusSeconds(3600), 41_250L, true);

        assertThat(violations(event)).containsExactlyInAnyOrder("failedStep", "errorCode", "error");
    }

    @Test
    void aPassedDrillMeasuredItsRtoAndCleanedUp() {
        DrillCompleted event = passed(DrillOutcome.PASSED, null, null, null, "rp-1", STARTED.minusSeconds(3600), null, false);

        assertThat(violations(event)).containsExactlyInAnyOrder("rtoMillis", "cleanedUp");
    }

    @Test
    void aFailedDrillSaysWhereAndWhy() {
        DrillCompleted event = passed(DrillOutcome.FAILED, null, null, " ", "rp-1", STARTED.minusSeconds(3600), null, false);

        assertThat(violations(event)).containsExactlyInAnyOrder("failedStep", "errorCode", "error");
        assertThat(violations(failedAt(DrillStep.CLEANUP))).isEmpty();
    }

    @Test
    void onlyADrillThatFailedAtAdmitHasNoRestorePointOrScratchNamespace() {
        DrillCompleted atRestore = failedAt(DrillStep.RESTORE);
        DrillCompleted withoutPoint = new DrillCompleted(1, "d-1", "corr-1", DrillTrigger.ON_DEMAND, "aks-shop-eastus", "shop",
                null, null, DrillOutcome.FAILED, DrillStep.RESTORE, "NoCompleteRestorePoint", "none", null, null, null, null, 0,
                true, STARTED, STARTED);
        DrillCompleted atAdmit = new DrillCompleted(1, "d-1", "corr-1", DrillTrigger.ON_DEMAND, "aks-shop-eastus", "shop",
                null, null, DrillOutcome.FAILED, DrillStep.ADMIT, "NoCompleteRestorePoint", "none", null, null, null, null, 0,
                true, STARTED, STARTED);

        assertThat(violations(atRestore)).isEmpty();
        assertThat(violations(withoutPoint)).containsExactlyInAnyOrder("restorePointId", "scratchNamespace");
        assertThat(violations(atAdmit)).isEmpty();
    }

    @Test
    void aRestorePointComesWithItsRecoveryPoint() {
        DrillCompleted event = passed(DrillOutcome.PASSED, null, null, null, "rp-1", null, 41_250L, true);

        assertThat(violations(event)).containsExactly("recoveryPointAt");
    }

    @Test
    void figuresAreInRangeAndTheDrillEndsAfterItStarts() {
        DrillCompleted p = passed();
        DrillCompleted event = new DrillCompleted(1, p.drillId(), p.correlationId(), p.trigger(), p.sourceCluster(),
                p.sourceNamespace(), p.restorePointId(), p.scratchNamespace(), p.outcome(), null, null, null, p.recoveryPointAt(),
                -1L, RecoveryObjectives.MAX_SECONDS + 1, new DrillCheck("Not_A_Name", null, -1), -1, true, STARTED,
                STARTED.minusMillis(1));

        assertThat(violations(event)).containsExactlyInAnyOrder("rtoMillis", "rtoTargetSeconds", "check.jobName", "check.outcome",
                "check.durationMillis", "volumes", "completedAt");
    }

    @Test
    void theEnumsSpeakTheirWireNames() {
        assertThat(EventJson.writeString(passed())).contains("\"trigger\":\"scheduled\"", "\"outcome\":\"passed\"",
                "\"outcome\":\"succeeded\"");
        assertThat(List.of(DrillTrigger.ON_DEMAND.wireName(), DrillCheckOutcome.TIMED_OUT.wireName(), DrillStep.CLEANUP.wireName(),
                DrillOutcome.FAILED.wireName())).containsExactly("on-demand", "timed-out", "cleanup", "failed");
        assertThat(DrillCheckOutcome.fromWireName("timed-out")).isEqualTo(DrillCheckOutcome.TIMED_OUT);
        assertThatThrownBy(() -> DrillStep.fromWireName("ADMIT")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInvalidDrillIsNeverEnveloped() {
        assertThatThrownBy(() -> EventEnvelope.of(passed(DrillOutcome.PASSED, null, null, null, "rp-1", STARTED, null, true),
                new EventSource("restore-service", "aks-dr-westus"), Clock.systemUTC()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("rtoMillis");
    }

    private static List<String> violations(DrillCompleted event) {
        Violations v = new Violations();
        event.validate(v);
        return v.list().stream().map(dev.ferry.events.validation.Violation::field).toList();
    }
}
