package dev.ferry.importer;

import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.support.azure.AzureCallFailed;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The managed snapshots of region B, as far as the import needs them: find one by name, import one from a VHD. */
public interface RegionSnapshots {

    /** A region-B snapshot as Azure reports it. */
    record RegionSnapshot(String id, long sizeBytes, String provisioningState, Map<String, String> tags, Instant timeCreated) {
    }

    /** What to import: where, from which VHD, how to tag it. */
    record ImportRequest(String subscriptionId, String resourceGroup, String name, String region, String vhdUrl,
                         String storageAccountId, String sku, Map<String, String> tags) {
    }

    /**
     * The snapshot with this name, if any.
     *
     * @throws AzureCallFailed if Azure cannot be asked
     */
    Optional<RegionSnapshot> find(String subscriptionId, String resourceGroup, String name);

    /**
     * The snapshots of a resource group.
     *
     * @throws AzureCallFailed if Azure cannot be asked
     */
    List<RegionSnapshot> list(ResourceGroupId group);

    /**
     * Deletes a snapshot; one already gone is success.
     *
     * @throws AzureCallFailed if Azure refuses
     */
    void delete(String snapshotId);

    /**
     * Creates the snapshot with {@code createOption=Import} and returns once it is provisioned.
     *
     * @throws AzureCallFailed with Azure's reason if it refuses or fails
     */
    RegionSnapshot importVhd(ImportRequest request);
}
