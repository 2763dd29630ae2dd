package dev.ferry.events;

import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;

/**
 * Where a volume's copy goes in the DR region: the subscription and resource group of the region-B
 * snapshot, and the storage account that stages VHDs (it must be in the same region).
 */
public record DrTarget(
        String region,
        String subscriptionId,
        String resourceGroup,
        ArmResourceId stagingStorageAccountId) implements Validatable {

    @Override
    public void validate(Violations v) {
        v.region("region", region);
        if (v.required("subscriptionId", subscriptionId) && !ArmResourceId.isSubscriptionId(subscriptionId)) {
            v.add("subscriptionId", "must be a GUID but is '" + subscriptionId + "'");
        }
        if (v.required("resourceGroup", resourceGroup) && !ArmResourceId.isResourceGroupName(resourceGroup)) {
            v.add("resourceGroup", "must be 1-90 letters, digits, '_', '-', '.', '(' or ')' not ending in '.'"
                    + " but is '" + resourceGroup + "'");
        }
        v.resourceId("stagingStorageAccountId", stagingStorageAccountId, "Microsoft.Storage", "storageAccounts");
    }

    /** The id of the region-B snapshot with this name. */
    public ArmResourceId snapshotId(String snapshotName) {
        return ArmResourceId.of(subscriptionId, resourceGroup, "Microsoft.Compute", "snapshots", snapshotName);
    }
}
