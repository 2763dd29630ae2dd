package dev.ferry.events;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every Ferry event type: its CloudEvents {@code type}, its topic, its payload record and its
 * JSON Schema (the published contract, under {@code schemas/} on the classpath).
 */
public enum EventType {

    BACKUP_REQUESTED("ferry.backup.requested.v1", Topics.BACKUP_REQUESTED, BackupRequested.class),
    SNAPSHOT_TAKEN("ferry.snapshot.taken.v1", Topics.SNAPSHOT_TAKEN, SnapshotTaken.class),
    VHD_EXPORTED("ferry.vhd.exported.v1", Topics.VHD_EXPORTED, VhdExported.class),
    SNAPSHOT_RECREATED("ferry.snapshot.recreated.v1", Topics.SNAPSHOT_RECREATED, SnapshotRecreated.class),
    TRANSFER_PROGRESSED("ferry.transfer.progressed.v1", Topics.TRANSFER_PROGRESSED, TransferProgressed.class),
    RESTORE_REQUESTED("ferry.restore.requested.v1", Topics.RESTORE_REQUESTED, RestoreRequested.class),
    RESTORE_COMPLETED("ferry.restore.completed.v1", Topics.RESTORE_COMPLETED, RestoreCompleted.class),
    STEP_FAILED("ferry.step.failed.v1", Topics.STEP_FAILED, StepFailed.class),
    DRILL_COMPLETED("ferry.drill.completed.v1", Topics.DRILL_COMPLETED, DrillCompleted.class);

    /** Where the schemas are published; each schema's {@code $id} is this plus {@link #schemaFile()}. */
    public static final String SCHEMA_BASE_URI = "https://ferry.dev/schemas/";

    private final String type;
    private final String topic;
    private final Class<? extends FerryEvent> payload;

    EventType(String type, String topic, Class<? extends FerryEvent> payload) {
        this.type = type;
        this.topic = topic;
        this.payload = payload;
    }

    /** The CloudEvents {@code type} attribute, e.g. {@code ferry.snapshot.taken.v1}. */
    public String type() {
        return type;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends FerryEvent> payload() {
        return payload;
    }

    /** The schema's file name, e.g. {@code ferry.snapshot.taken.v1.schema.json}. */
    public String schemaFile() {
        return type + ".schema.json";
    }

    /** The schema's classpath resource. */
    public String schemaResource() {
        return "schemas/" + schemaFile();
    }

    /** The CloudEvents {@code dataschema} attribute: the schema's {@code $id}. */
    public URI dataSchema() {
        return URI.create(SCHEMA_BASE_URI + schemaFile());
    }

    /** The event type with this CloudEvents {@code type}, if Ferry knows it. */
    public static Optional<EventType> fromType(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }

    /** The event type whose payload is this record class. */
    public static EventType of(Class<? extends FerryEvent> payload) {
        return Arrays.stream(values()).filter(t -> t.payload == payload).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a Ferry event class: " + payload.getName()));
    }
}
