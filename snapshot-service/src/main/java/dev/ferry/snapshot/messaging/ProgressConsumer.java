package dev.ferry.snapshot.messaging;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.StepFailed;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.VhdExported;
import dev.ferry.snapshot.BackupRun;
import dev.ferry.snapshot.BackupRuns;
import dev.ferry.support.messaging.FollowedRecords;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Follows each volume downstream ({@code transfer.progressed}, {@code vhd.exported},
 * {@code snapshot.recreated}, {@code step.failed}) to show its progress in the backup's status. These topics belong to other
 * consumers: a record this service cannot read is counted and skipped, not dead-lettered, so that
 * their dead-letter topics hold each bad record once, from its real consumer.
 */
@ApplicationScoped
public class ProgressConsumer {

    private final BackupRuns runs;
    private final Counter unreadable;
    private final Clock clock;

    public ProgressConsumer(BackupRuns runs, MeterRegistry metrics, Clock clock) {
        this.runs = runs;
        this.unreadable = metrics.counter("ferry.snapshot.progress.events", "outcome", "unreadable");
        this.clock = clock;
    }

    @Incoming(Channels.TRANSFER_PROGRESSED)
    @Blocking
    public CompletionStage<Void> transferProgressed(Message<byte[]> message) {
        read(message, TransferProgressed.class).ifPresent(e -> run(e.backupId()).ifPresent(run -> run.progressed(e.pvcName(),
                e.bytesDone(), e.bytesTotal(), e.waitingFor(), e.reportedAt(), clock.instant())));
        return message.ack();
    }

    @Incoming(Channels.VHD_EXPORTED)
    @Blocking
    public CompletionStage<Void> vhdExported(Message<byte[]> message) {
        read(message, VhdExported.class).ifPresent(e -> run(e.backupId())
                .ifPresent(run -> run.exported(e.volume().pvc().uid(), e.vhd().url(), clock.instant())));
        return message.ack();
    }

    @Incoming(Channels.SNAPSHOT_RECREATED)
    @Blocking
    public CompletionStage<Void> snapshotRecreated(Message<byte[]> message) {
        read(message, SnapshotRecreated.class).ifPresent(e -> run(e.backupId())
                .ifPresent(run -> run.recreated(e.volume().pvc().uid(), e.targetSnapshotId().toString(), clock.instant())));
        return message.ack();
    }

    @Incoming(Channels.STEP_FAILED_IN)
    @Blocking
    public CompletionStage<Void> stepFailed(Message<byte[]> message) {
        read(message, StepFailed.class).filter(e -> e.backupId() != null && e.volume() != null).ifPresent(e -> run(e.backupId())
                .ifPresent(run -> run.failed(e.volume().pvc().uid(), e.step().wireName(), e.errorCode(), e.reason(), clock.instant())));
        return message.ack();
    }

    private Optional<BackupRun> run(String backupId) {
        return runs.find(backupId);
    }

    private <T extends FerryEvent> Optional<T> read(Message<byte[]> message, Class<T> type) {
        return FollowedRecords.read(message, type, unreadable);
    }
}
