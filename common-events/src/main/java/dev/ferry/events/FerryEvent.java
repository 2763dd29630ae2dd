package dev.ferry.events;

import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;

/**
 * The payload of a Ferry event. Every payload carries {@code schemaVersion}, {@code correlationId}
 * and a {@code backupId}, {@code restoreId} or {@code drillId}, names its Kafka key and its CloudEvents subject, and
 * validates itself.
 */
public sealed interface FerryEvent extends Validatable
        permits VolumeEvent, BackupRequested, TransferProgressed, RestoreRequested, RestoreCompleted, StepFailed, DrillCompleted {

    /** The payload version that this code writes; readers accept this and later versions of the same type. */
    int SCHEMA_VERSION = 1;

    int schemaVersion();

    String correlationId();

    /**
     * The Kafka record key: the lower-cased source disk id for events about one volume, so that all
     * events of a volume stay in order on one partition.
     */
    String kafkaKey();

    /** The CloudEvents {@code subject}: {@code <namespace>/<pvc>}, or {@code <namespace>} for events about many. */
    String subject();

    default EventType eventType() {
        return EventType.of(getClass());
    }

    /**
     * Checks every rule of the contract.
     *
     * @throws dev.ferry.events.validation.InvalidEventException naming every offending field
     */
    default void validate() {
        Violations violations = new Violations();
        validate(violations);
        violations.throwIfAny(eventType().type());
    }

    /** The checks every payload shares: the version and the correlation id. */
    static void validateCommon(FerryEvent event, Violations violations) {
        if (event.schemaVersion() < 1) {
            violations.add("schemaVersion", "must be 1 or later but is " + event.schemaVersion());
        }
        violations.text("correlationId", event.correlationId());
    }
}
