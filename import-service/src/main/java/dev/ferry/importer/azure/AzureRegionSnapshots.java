package dev.ferry.importer.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.models.Snapshot;
import com.azure.resourcemanager.compute.models.SnapshotSkuType;
import com.azure.resourcemanager.compute.models.SnapshotStorageAccountTypes;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.importer.RegionSnapshots;
import dev.ferry.support.azure.AzureCallFailed;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Region-B snapshots through the Compute SDK: GET by name, and PUT with {@code createOption=Import}. */
@ApplicationScoped
public class AzureRegionSnapshots implements RegionSnapshots {

    private final ComputeManager compute;

    public AzureRegionSnapshots(ComputeManager compute) {
        this.compute = compute;
    }

    @Override
    public Optional<RegionSnapshot> find(String subscriptionId, String resourceGroup, String name) {
        try {
            return Optional.of(toRegionSnapshot(compute.snapshots().getByResourceGroup(resourceGroup, name)));
        } catch (ManagementException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw AzureCallFailed.of(e);
        } catch (RuntimeException e) {
            throw new AzureCallFailed("AzureUnreachable", 0, "Azure could not be asked for snapshot " + name + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public List<RegionSnapshot> list(ResourceGroupId group) {
        try {
            return compute.snapshots().listByResourceGroup(group.name()).stream().map(AzureRegionSnapshots::toRegionSnapshot).toList();
        } catch (ManagementException e) {
            throw AzureCallFailed.of(e);
        }
    }

    @Override
    public void delete(String snapshotId) {
        try {
            compute.snapshots().deleteById(snapshotId);
        } catch (ManagementException e) {
            if (e.getResponse() == null || e.getResponse().getStatusCode() != 404) {
                throw AzureCallFailed.of(e);
            }
        }
    }

    @Override
    public RegionSnapshot importVhd(ImportRequest request) {
        try {
            Snapshot snapshot = compute.snapshots().define(request.name()).withRegion(request.region())
                    .withExistingResourceGroup(request.resourceGroup())
                    .withDataFromVhd(request.vhdUrl(), request.storageAccountId())
                    .withSku(SnapshotSkuType.fromStorageAccountType(SnapshotStorageAccountTypes.fromString(request.sku())))
                    .withTags(request.tags())
                    .create();
            return toRegionSnapshot(snapshot);
        } catch (ManagementException e) {
            throw AzureCallFailed.of(e);
        } catch (RuntimeException e) {
            throw new AzureCallFailed("AzureUnreachable", 0, "The import of " + request.name() + " did not complete: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static RegionSnapshot toRegionSnapshot(Snapshot snapshot) {
        Long bytes = snapshot.innerModel().diskSizeBytes();
        long size = bytes != null ? bytes : (long) snapshot.sizeInGB() << 30;
        Map<String, String> tags = snapshot.tags() == null ? Map.of() : snapshot.tags();
        Instant created = snapshot.innerModel().timeCreated() == null ? Instant.now() : snapshot.innerModel().timeCreated().toInstant();
        return new RegionSnapshot(snapshot.id(), size, snapshot.innerModel().provisioningState(), tags, created);
    }
}
