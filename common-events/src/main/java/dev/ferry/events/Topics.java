package dev.ferry.events;

import java.util.List;

/**
 * The Kafka topics of Ferry's events, as compile-time constants so that SmallRye channel
 * annotations can name them. Each topic has a dead-letter topic {@code <topic>.dlq}.
 */
public final class Topics {

    public static final String BACKUP_REQUESTED = "ferry.backup.requested";
    public static final String SNAPSHOT_TAKEN = "ferry.snapshot.taken";
    public static final String VHD_EXPORTED = "ferry.vhd.exported";
    public static final String SNAPSHOT_RECREATED = "ferry.snapshot.recreated";
    public static final String TRANSFER_PROGRESSED = "ferry.transfer.progressed";
    public static final String RESTORE_REQUESTED = "ferry.restore.requested";
    public static final String RESTORE_COMPLETED = "ferry.restore.completed";
    public static final String STEP_FAILED = "ferry.step.failed";
    public static final String DRILL_COMPLETED = "ferry.drill.completed";

    /** Every event topic (without the dead-letter topics). */
    public static final List<String> ALL = List.of(BACKUP_REQUESTED, SNAPSHOT_TAKEN, VHD_EXPORTED, SNAPSHOT_RECREATED,
            TRANSFER_PROGRESSED, RESTORE_REQUESTED, RESTORE_COMPLETED, STEP_FAILED, DRILL_COMPLETED);

    /** Suffix of the dead-letter topic of every topic. */
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    /** The dead-letter topic of a topic. */
    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
