package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Violations;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Please back up PVCs of one namespace: all of them, those named, or those matching the labels.
 * Produced by other systems and by snapshot-service's REST API.
 *
 * @param pvcNames      the PVCs to back up; absent means every PVC that matches {@code labelSelector}
 * @param labelSelector equality-based label selector; absent with no names means every PVC
 * @param policy        the policy whose settings (target, strategy) apply; absent means the configured default
 * @param strategy      overrides the policy's transfer strategy
 * @param copySpeed     overrides the policy's copy speed; with a strategy given, that strategy must be copy-start
 * @param target        overrides the policy's DR target
 */
public record BackupRequested(
        @JsonProperty(required = true) int schemaVersion,
        String backupId,
        String correlationId,
        String sourceCluster,
        String namespace,
        List<String> pvcNames,
        Map<String, String> labelSelector,
        String policy,
        TransferStrategy strategy,
        CopySpeed copySpeed,
        DrTarget target,
        String requestedBy,
        Instant requestedAt) implements FerryEvent {

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        v.dnsLabel("backupId", backupId);
        if (sourceCluster != null) {
            v.dnsSubdomain("sourceCluster", sourceCluster);
        }
        v.dnsLabel("namespace", namespace);
        if (pvcNames != null) {
            v.nonEmpty("pvcNames", pvcNames);
            for (int i = 0; i < pvcNames.size(); i++) {
                v.dnsSubdomain("pvcNames[" + i + "]", pvcNames.get(i));
            }
            if (labelSelector != null) {
                v.add("labelSelector", "must not be given together with pvcNames");
            }
        }
        v.labels("labelSelector", labelSelector);
        if (policy != null) {
            v.dnsSubdomain("policy", policy);
        }
        if (copySpeed != null && strategy != null && strategy != TransferStrategy.COPY_START) {
            v.add("copySpeed", "applies only to the copy-start strategy, not to " + strategy.wireName());
        }
        v.optionalPart("target", target);
        if (requestedBy != null) {
            v.text("requestedBy", requestedBy);
        }
        v.required("requestedAt", requestedAt);
    }

    /** Requests of one namespace share a key so that they are handled in order. */
    @Override
    public String kafkaKey() {
        return namespace;
    }

    @Override
    public String subject() {
        return namespace;
    }
}
