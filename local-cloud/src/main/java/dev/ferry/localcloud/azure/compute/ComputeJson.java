package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.localcloud.azure.Exchange;
import java.util.Locale;
import java.util.Map;

/** The JSON bodies of the Compute API as ARM writes them: disks, snapshots and the status of an operation. */
final class ComputeJson {

    private final ComputeState state;
    private volatile boolean upperCaseResourceGroups = true;

    ComputeJson(ComputeState state) {
        this.state = state;
    }

    /** Whether ids come back with the resource group in capitals, as Compute answers them (on unless set). */
    void upperCaseResourceGroups(boolean upperCase) {
        this.upperCaseResourceGroups = upperCase;
    }

    /**
     * A resource id as Compute writes it in an answer: the resource group in capitals (when on), whatever casing the
     * request used; the rest as the fake holds it. An id that is not a top-level resource id (or null) is written as given.
     */
    String id(String id) {
        ResourceKey key = ResourceKey.parse(id);
        return key == null ? id : id(key);
    }

    String id(ResourceKey key) {
        if (!upperCaseResourceGroups) {
            return key.id();
        }
        return new ResourceKey(key.subscriptionId(), key.resourceGroup().toUpperCase(Locale.ROOT), key.provider(), key.type(),
                key.name()).id();
    }

    ObjectNode snapshot(Snapshot s) {
        ObjectNode node = resource(s.key(), s.region(), s.tags(), s.sku());
        ObjectNode properties = node.putObject("properties");
        ObjectNode creation = creationData(properties, s.createOption(), id(s.sourceResourceId()));
        if (s.sourceUniqueId() != null) {
            creation.put("sourceUniqueId", s.sourceUniqueId());
        }
        if (s.copySpeed() != null) {
            creation.put("provisionedBandwidthCopySpeed", s.copySpeed());
        }
        if (s.sourceUri() != null) {
            creation.put("sourceUri", s.sourceUri());
            creation.put("storageAccountId", id(s.storageAccountId()));
        }
        size(properties, s.sizeBytes());
        properties.put("incremental", s.incremental());
        if (s.familyId() != null) {
            properties.put("incrementalSnapshotFamilyId", s.familyId());
        }
        properties.put("provisioningState", s.provisioningState());
        properties.put("diskState", state.activeGrant(s.key()).isPresent() ? "ActiveSAS" : "Unattached");
        properties.put("timeCreated", s.timeCreated().toString());
        properties.put("uniqueId", s.uniqueId());
        if ("CopyStart".equals(s.createOption())) {
            properties.put("completionPercent", s.completionPercent());
            if (s.copyErrorCode() != null) {
                ObjectNode error = properties.putObject("copyCompletionError");
                error.put("errorCode", s.copyErrorCode());
                error.put("errorMessage", s.copyErrorMessage());
            }
        }
        properties.putObject("encryption").put("type", "EncryptionAtRestWithPlatformKey");
        properties.put("networkAccessPolicy", "AllowAll");
        properties.put("publicNetworkAccess", "Enabled");
        return node;
    }

    ObjectNode disk(Disk d) {
        ObjectNode node = resource(d.key(), d.region(), d.tags(), d.sku());
        ObjectNode properties = node.putObject("properties");
        ObjectNode creation = creationData(properties, d.createOption(), id(d.sourceResourceId()));
        if (d.copySpeed() != null) {
            creation.put("provisionedBandwidthCopySpeed", d.copySpeed());
        }
        size(properties, d.sizeBytes());
        properties.put("provisioningState", d.provisioningState());
        properties.put("diskState", "Unattached");
        properties.put("timeCreated", d.timeCreated().toString());
        properties.put("uniqueId", d.uniqueId());
        properties.putObject("encryption").put("type", "EncryptionAtRestWithPlatformKey");
        return node;
    }

    /** The body of the operation-status resource ({@code Azure-AsyncOperation}). */
    static ObjectNode operationStatus(Operations.Operation operation) {
        ObjectNode status = Exchange.JSON.createObjectNode();
        status.put("name", operation.id());
        status.put("status", operation.status());
        status.put("startTime", operation.startTime().toString());
        if (operation.endTime() != null) {
            status.put("endTime", operation.endTime().toString());
        }
        if (operation.result() != null) {
            status.putObject("properties").set("output", operation.result());
        }
        if (operation.error() != null) {
            ObjectNode error = status.putObject("error");
            error.put("code", operation.error().code());
            error.put("message", operation.error().getMessage());
        }
        return status;
    }

    private static ObjectNode creationData(ObjectNode properties, String createOption, String sourceResourceId) {
        ObjectNode creation = properties.putObject("creationData");
        creation.put("createOption", createOption);
        if (sourceResourceId != null) {
            creation.put("sourceResourceId", sourceResourceId);
        }
        return creation;
    }

    private static void size(ObjectNode properties, long bytes) {
        properties.put("diskSizeGB", (int) Math.ceil(bytes / (double) ComputeState.GIB));
        properties.put("diskSizeBytes", bytes);
    }

    private ObjectNode resource(ResourceKey key, String region, Map<String, String> tags, String sku) {
        ObjectNode node = Exchange.JSON.createObjectNode();
        node.put("id", id(key));
        node.put("name", key.name());
        node.put("type", key.armType());
        node.put("location", region);
        ObjectNode tagNode = node.putObject("tags");
        tags.forEach(tagNode::put);
        ObjectNode skuNode = node.putObject("sku");
        skuNode.put("name", sku);
        skuNode.put("tier", sku.startsWith("Premium") ? "Premium" : "Standard");
        return node;
    }
}
