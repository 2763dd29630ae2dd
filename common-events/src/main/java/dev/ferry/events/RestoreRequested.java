package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.ferry.events.validation.Violations;
import java.time.Instant;
import java.util.Map;

/**
 * Please restore a restore point on the DR cluster: the one named by {@code restorePointId}, or
 * the newest complete one of {@code namespace} (from {@code sourceCluster} if several clusters
 * back up a namespace of that name).
 *
 * @param targetNamespace  where to restore; absent means the source namespace
 * @param storageClassMap  source storage class name to DR storage class name; unmapped classes keep their name
 * @param createNamespace  whether to create the target namespace if it does not exist; left out, false (the schema's default)
 * @param allowPartial     whether a restore point that misses some of its backup's volumes may be restored; left out,
 *                         false (the schema's default)
 */
public record RestoreRequested(
        @JsonProperty(required = true) int schemaVersion,
        String restoreId,
        String correlationId,
        String restorePointId,
        String sourceCluster,
        String namespace,
        String targetNamespace,
        Map<String, String> storageClassMap,
        @JsonSetter(nulls = Nulls.AS_EMPTY) boolean createNamespace,
        @JsonSetter(nulls = Nulls.AS_EMPTY) boolean allowPartial,
        String requestedBy,
        Instant requestedAt) implements FerryEvent {

    @Override
    public void validate(Violations v) {
        FerryEvent.validateCommon(this, v);
        v.dnsLabel("restoreId", restoreId);
        if ((restorePointId == null) == (namespace == null)) {
            v.add("restorePointId", "exactly one of restorePointId and namespace (for its latest restore point) must be given");
        }
        if (restorePointId != null) {
            v.dnsLabel("restorePointId", restorePointId);
        }
        if (namespace != null) {
            v.dnsLabel("namespace", namespace);
        }
        if (sourceCluster != null) {
            v.dnsSubdomain("sourceCluster", sourceCluster);
        }
        if (targetNamespace != null) {
            v.dnsLabel("targetNamespace", targetNamespace);
        }
        if (storageClassMap != null) {
            storageClassMap.forEach((from, to) -> {
                v.dnsSubdomain("storageClassMap", from);
                v.dnsSubdomain("storageClassMap." + from, to);
            });
        }
        if (requestedBy != null) {
            v.text("requestedBy", requestedBy);
        }
        v.required("requestedAt", requestedAt);
    }

    /** Events of one restore share its id as key. */
    @Override
    public String kafkaKey() {
        return restoreId;
    }

    @Override
    public String subject() {
        return targetNamespace != null ? targetNamespace : namespace != null ? namespace : restorePointId;
    }
}
