package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Violations;
import java.time.Instant;

/**
 * A step gave up after its retries. Names the backup or the restore it belongs to, the volume if
 * it was about one, the event that caused it and why it failed.
 *
 * @param errorCode  a machine-readable cause, e.g. Azure's error code or {@code InvalidEvent}
 * @param reason     a human-readable explanation; never contains a SAS or a secret
 * @param retryable  whether the same request may succeed later (throttling, outage) rather than never (bad input)
 * @param volume     the volume the step was about, if any
 * @param causeEventId   the CloudEvents id of the event the step was handling, if any
 * @param causeEventType the CloudEvents type of that event, if any
 */
public record StepFailed(
        @JsonProperty(required = true) int schemaVersion,
        String backupId,
        String restoreId,
        String correlationId,
        Step step,
        String errorCode,
        String reason,
        @JsonProperty(required = true) boolean retryable,
        @JsonProperty(required = true) int attempts,
        VolumeBackup volume,
        String causeEventId,
        String causeEventType,
        Instant failedAt) implements FerryEvent {

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        if ((backupId == null) == (restoreId == null)) {
            v.add("backupId", "exactly one of backupId and restoreId must be given");
        }
        if (backupId != null) {
            v.dnsLabel("backupId", backupId);
        }
        if (restoreId != null) {
            v.dnsLabel("restoreId", restoreId);
        }
        v.required("step", step);
        v.text("errorCode", errorCode);
        v.text("reason", reason);
        if (attempts < 1) {
            v.add("attempts", "must be at least 1 but is " + attempts);
        }
        v.optionalPart("volume", volume);
        if (causeEventId != null) {
            v.text("causeEventId", causeEventId);
        }
        if (causeEventType != null) {
            v.text("causeEventType", causeEventType);
        }
        v.required("failedAt", failedAt);
    }

    /** The longest reason the contract takes (the schema's {@code text}). */
    public static final int MAX_REASON = 1024;

    /** A reason that fits the contract: longer text is cut and says so; none becomes "no reason given". */
    public static String reason(String text) {
        if (text == null || text.isBlank()) {
            return "no reason given";
        }
        String marker = " ... (cut)";
        return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON - marker.length()) + marker;
    }

    /** An error code that fits the contract: longer text is cut; none becomes {@code Unknown}. */
    public static String code(String text) {
        if (text == null || text.isBlank()) {
            return "Unknown";
        }
        return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON);
    }

    /**
     * The failure of a step of a whole backup (no volume block), its code and reason bounded as
     * {@link #code(String)} and {@link #reason(String)} say, after one attempt.
     *
     * @param causeEventId   the {@code ce_id} of the event that asked for the step; null for a REST call or a schedule
     * @param causeEventType the {@code ce_type} of that event; null likewise
     */
    public static StepFailed ofBackup(String backupId, String correlationId, Step step, String code, String reason, boolean retryable,
                                      String causeEventId, String causeEventType, Instant failedAt) {
        return new StepFailed(SCHEMA_VERSION, backupId, null, correlationId, step, code(code), reason(reason), retryable, 1, null,
                causeEventId, causeEventType, failedAt);
    }

    /** As {@link #ofBackup}, for a restore. */
    public static StepFailed ofRestore(String restoreId, String correlationId, String code, String reason, boolean retryable,
                                       String causeEventId, String causeEventType, Instant failedAt) {
        return new StepFailed(SCHEMA_VERSION, null, restoreId, correlationId, Step.RESTORE, code(code), reason(reason), retryable, 1,
                null, causeEventId, causeEventType, failedAt);
    }

    /**
     * A step about one volume gave up: the failure of the event {@code cause}, read from a record with these
     * CloudEvents headers, with its code and reason cut to what the contract takes, so that the failure
     * itself is always a valid event.
     */
    public static StepFailed ofVolume(VolumeEvent cause, java.util.Map<String, String> headers, Step step, String code,
                                      String reason, boolean retryable, int attempts, Instant failedAt) {
        return new StepFailed(SCHEMA_VERSION, cause.backupId(), null, cause.correlationId(), step, code(code), reason(reason),
                retryable, Math.max(1, attempts), cause.volume(),
                headers.get(dev.ferry.events.cloudevents.CloudEventAttributes.HEADER_ID),
                headers.get(dev.ferry.events.cloudevents.CloudEventAttributes.HEADER_TYPE), failedAt);
    }

    /** The volume's key when the failure is about a volume, so it lands beside the volume's other events. */
    @Override
    public String kafkaKey() {
        if (volume != null) {
            return volume.volumeKey();
        }
        return backupId != null ? backupId : restoreId;
    }

    @Override
    public String subject() {
        if (volume != null) {
            return volume.subject();
        }
        return backupId != null ? backupId : restoreId;
    }
}
