package dev.ferry.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepFailedReasonTest {

    @Test
    void aShortReasonIsKeptAsItIs() {
        assertThat(StepFailed.reason("the PVC exists")).isEqualTo("the PVC exists");
    }

    @Test
    void aLongReasonIsCutToTheContractsLimitAndSaysSo() {
        String cut = StepFailed.reason("x".repeat(5000));
        assertThat(cut).hasSize(StepFailed.MAX_REASON).endsWith("(cut)");
    }

    @Test
    void noReasonBecomesAText() {
        assertThat(StepFailed.reason(null)).isEqualTo("no reason given");
        assertThat(StepFailed.reason("  ")).isEqualTo("no reason given");
    }

    @Test
    void aLongOrMissingErrorCodeIsCutOrNamed() {
        assertThat(StepFailed.code("x".repeat(5000))).hasSize(StepFailed.MAX_REASON);
        assertThat(StepFailed.code(null)).isEqualTo("Unknown");
        assertThat(StepFailed.code("ServerBusy")).isEqualTo("ServerBusy");
    }

    @Test
    void aVolumesFailureIsAValidEventWhateverTheCodeAndReasonAreLike() {
        SnapshotTaken taken = TestEvents.snapshotTaken(TestEvents.volume());
        StepFailed failed = StepFailed.ofVolume(taken, java.util.Map.of("ce_id", "id-1", "ce_type", "ferry.snapshot.taken.v1"),
                Step.EXPORT, "C".repeat(3000), "R".repeat(3000), false, 0, java.time.Instant.EPOCH);

        failed.validate();

        assertThat(failed.backupId()).isEqualTo(taken.backupId());
        assertThat(failed.volume()).isEqualTo(taken.volume());
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.causeEventId()).isEqualTo("id-1");
    }

    @Test
    void aBackupsAndARestoresFailureAreValidEventsWhateverTheCodeAndReasonAreLike() {
        StepFailed backup = StepFailed.ofBackup("2c9f1e4a-7b6d-4e21-9a3f-5d8c1b0e7f42", "corr-1", Step.INTAKE, "C".repeat(3000),
                "R".repeat(3000), false, null, null, java.time.Instant.EPOCH);
        StepFailed restore = StepFailed.ofRestore("8b3e51d0-4c2a-4f7e-b1d9-6a0c2e4f8a13", "corr-2", null, null, true, "id-1",
                "ferry.restore.requested.v1", java.time.Instant.EPOCH);

        backup.validate();
        restore.validate();

        assertThat(backup.reason()).endsWith("(cut)");
        assertThat(backup.volume()).isNull();
        assertThat(restore.step()).isEqualTo(Step.RESTORE);
        assertThat(restore.errorCode()).isEqualTo("Unknown");
        assertThat(restore.causeEventType()).isEqualTo("ferry.restore.requested.v1");
    }
}
