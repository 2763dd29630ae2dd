package dev.ferry.snapshot.messaging;

import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.StepFailed;
import dev.ferry.snapshot.BackupEvents;
import dev.ferry.support.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;

/** A backup's events, handed to service-support's publisher (which returns once the broker has each). */
@ApplicationScoped
public class KafkaBackupEvents implements BackupEvents {

    private final EventPublisher publisher;

    public KafkaBackupEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void snapshotTaken(SnapshotTaken event) {
        publisher.publish(event);
    }

    @Override
    public void stepFailed(StepFailed event) {
        publisher.publish(event);
    }
}
