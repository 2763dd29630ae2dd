package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of a PUT of a disk or snapshot, read and checked: its types (see {@link RequestBody}), its SKU and its
 * enums, and whether it asks again for a resource that exists or for another one under the same name.
 */
record PutRequest(String region, Map<String, String> tags, String skuAsked, String createOption, String sourceResourceId,
                  String sourceUri, String storageAccountId, Boolean incrementalAsked, String copySpeed,
                  Long diskSizeGb) {

    /** {@code SnapshotStorageAccountTypes} of the Compute API. */
    static final List<String> SNAPSHOT_SKUS = List.of("Standard_LRS", "Premium_LRS", "Standard_ZRS");
    /** {@code DiskStorageAccountTypes} of the Compute API. */
    static final List<String> DISK_SKUS = List.of("Standard_LRS", "Premium_LRS", "StandardSSD_LRS", "UltraSSD_LRS",
            "Premium_ZRS", "StandardSSD_ZRS", "PremiumV2_LRS");
    /** {@code DiskCreateOption} of the Compute API. */
    static final List<String> CREATE_OPTIONS = List.of("Empty", "Attach", "FromImage", "Import", "Copy", "Restore",
            "Upload", "CopyStart", "ImportSecure", "UploadPreparedSecure", "CopyFromSanSnapshot");
    /** {@code ProvisionedBandwidthCopyOption} of the Compute API. */
    static final List<String> COPY_SPEEDS = List.of("None", "Enhanced");

    private static final String CREATION = "properties.creationData";

    static PutRequest read(RequestBody body, boolean snapshot) {
        String region = body.location();
        Map<String, String> tags = body.tags();
        String skuName = body.skuName();
        JsonNode properties = RequestBody.object(body.root(), "properties", "properties");
        JsonNode creation = RequestBody.object(properties, "creationData", CREATION);
        String option = RequestBody.string(creation, "createOption", CREATION + ".createOption");
        String sourceResourceId = RequestBody.resourceId(creation, "sourceResourceId", CREATION + ".sourceResourceId");
        String sourceUri = RequestBody.string(creation, "sourceUri", CREATION + ".sourceUri");
        String storageAccountId = RequestBody.resourceId(creation, "storageAccountId", CREATION + ".storageAccountId");
        String copySpeed = RequestBody.oneOf(creation, "provisionedBandwidthCopySpeed",
                CREATION + ".provisionedBandwidthCopySpeed", COPY_SPEEDS);
        Boolean incremental = RequestBody.bool(properties, "incremental", "properties.incremental");
        Long sizeGb = RequestBody.integer(properties, "diskSizeGB", "properties.diskSizeGB");
        if (region == null) {
            throw ArmError.badRequest("LocationRequired", "The location property is required for this definition.");
        }
        if (option == null) {
            throw ArmError.badRequest("InvalidParameter", "properties.creationData.createOption is required.");
        }
        String createOption = CREATE_OPTIONS.stream().filter(option::equalsIgnoreCase).findFirst().orElse(option);
        return new PutRequest(region, tags, sku(skuName, snapshot), createOption, sourceResourceId, sourceUri,
                storageAccountId, incremental, copySpeed, sizeGb);
    }

    /** The SKU to create with: the one asked for, Standard_LRS when the request names none. */
    String sku() {
        return skuAsked == null ? "Standard_LRS" : skuAsked;
    }

    /** The SKU an existing resource keeps after this PUT: the one asked for, else its own. */
    String skuKeeping(String existing) {
        return skuAsked == null ? existing : skuAsked;
    }

    /** Whether the snapshot is to be incremental; false unless asked. */
    boolean incremental() {
        return Boolean.TRUE.equals(incrementalAsked);
    }

    /**
     * The request's SKU in the Compute API's spelling, or null when it names none; an unknown one is refused as
     * Compute refuses a SKU it does not offer: 400 {@code InvalidParameter}, target {@code sku}.
     */
    private static String sku(String name, boolean snapshot) {
        if (name == null) {
            return null;
        }
        return (snapshot ? SNAPSHOT_SKUS : DISK_SKUS).stream().filter(name::equalsIgnoreCase).findFirst()
                .orElseThrow(() -> new ArmError(400, "InvalidParameter", "SKU " + name + " is not available for resource type "
                        + (snapshot ? "Snapshot" : "Disk") + ". Available SKUs are: "
                        + String.join(", ", snapshot ? SNAPSHOT_SKUS : DISK_SKUS) + ".", "sku", List.of()));
    }

    /** Refuses a PUT that would give an existing snapshot another location or another source. */
    void requireSameAs(Snapshot existing) {
        requireSameLocation(existing.key(), existing.region());
        String name = existing.key().name();
        requireUnchanged("createOption", existing.createOption(), createOption, name);
        if (!"Import".equals(existing.createOption())) {
            requireSameResource("sourceResourceId", existing.sourceResourceId(), sourceResourceId, name);
        } else {
            requireUnchanged("sourceUri", existing.sourceUri(), sourceUri, name);
            requireSameResource("storageAccountId", existing.storageAccountId(), storageAccountId, name);
        }
        if (incrementalAsked != null && incrementalAsked != existing.incremental()) {
            throw changing("incremental", name);
        }
        requireSameSpeed(existing.copySpeed(), name);
    }

    /** Refuses a PUT that would give an existing disk another location, source or size. */
    void requireSameAs(Disk existing) {
        requireSameLocation(existing.key(), existing.region());
        String name = existing.key().name();
        requireUnchanged("createOption", existing.createOption(), createOption, name);
        if ("Copy".equals(existing.createOption())) {
            requireSameResource("sourceResourceId", existing.sourceResourceId(), sourceResourceId, name);
        }
        requireSameSpeed(existing.copySpeed(), name);
        if (diskSizeGb != null && diskSizeGb * ComputeState.GIB != existing.sizeBytes()) {
            throw ArmError.conflict("OperationNotAllowed", "Disk '" + name + "' has " + existing.sizeBytes() / ComputeState.GIB
                    + " GB; the fake does not resize disks (asked for " + diskSizeGb + " GB).");
        }
    }

    /** ARM's answer to a PUT of an existing name in another location. */
    private void requireSameLocation(ResourceKey key, String existingRegion) {
        if (!normalised(region).equals(normalised(existingRegion))) {
            throw ArmError.conflict("InvalidResourceLocation", "The resource '" + key.name() + "' already exists in location '"
                    + existingRegion + "' in resource group '" + key.resourceGroup() + "'. A resource with the same name"
                    + " cannot be created in location '" + region + "'. Please select a new resource name.");
        }
    }

    private void requireSameSpeed(String existing, String name) {
        if (copySpeed != null && !copySpeed.equals(existing == null ? "None" : existing)) {
            throw changing("provisionedBandwidthCopySpeed", name);
        }
    }

    private static void requireUnchanged(String property, String existing, String asked, String name) {
        if (!Objects.equals(existing, asked)) {
            throw changing(property, name);
        }
    }

    private static void requireSameResource(String property, String existing, String asked, String name) {
        ResourceKey was = ResourceKey.parse(existing);
        ResourceKey is = ResourceKey.parse(asked);
        boolean same = was != null ? was.equals(is) : existing == null ? asked == null : existing.equalsIgnoreCase(asked);
        if (!same) {
            throw changing(property, name);
        }
    }

    /** Compute's refusal to change how an existing disk or snapshot was made (it says "disk" for both). */
    private static ArmError changing(String property, String name) {
        return ArmError.badRequest("BadRequest", "Changing property '" + property + "' is not allowed for existing disk '"
                + name + "'.");
    }

    private static String normalised(String region) {
        return region == null ? "" : Locations.normalize(region);
    }
}
