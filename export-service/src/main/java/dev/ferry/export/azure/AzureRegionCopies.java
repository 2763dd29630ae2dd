package dev.ferry.export.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.SnapshotsClient;
import com.azure.resourcemanager.compute.fluent.models.SnapshotInner;
import com.azure.resourcemanager.compute.models.CreationData;
import com.azure.resourcemanager.compute.models.DiskCreateOption;
import com.azure.resourcemanager.compute.models.ProvisionedBandwidthCopyOption;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.AzureRegion;
import dev.ferry.events.arm.ResourceGroupId;
import dev.ferry.export.copystart.RegionCopies;
import dev.ferry.export.copystart.RegionCopy;
import dev.ferry.support.azure.AzureCallFailed;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@link RegionCopies} through the Compute SDK's inner client, which (unlike the fluent API) can ask
 * for {@code provisionedBandwidthCopySpeed}: Snapshots_ListByResourceGroup, Snapshots_Get,
 * Snapshots_CreateOrUpdate with {@code createOption=CopyStart} (not waited for: the copy runs on
 * inside Azure) and Snapshots_Delete.
 */
public final class AzureRegionCopies implements RegionCopies {

    private final ComputeManager compute;

    public AzureRegionCopies(ComputeManager compute) {
        this.compute = compute;
    }

    private SnapshotsClient snapshots() {
        return compute.serviceClient().getSnapshots();
    }

    @Override
    public List<RegionCopy> list(ResourceGroupId group) {
        try {
            return snapshots().listByResourceGroup(group.name()).stream().map(AzureRegionCopies::toCopy).toList();
        } catch (ManagementException e) {
            throw AzureCallFailed.of(e);
        } catch (RuntimeException e) {
            throw unreachable("list the snapshots of " + group.name(), e);
        }
    }

    @Override
    public void start(StartCopy request) {
        CreationData creation = new CreationData().withCreateOption(DiskCreateOption.COPY_START)
                .withSourceResourceId(request.source().toString());
        if (request.enhanced()) {
            creation.withProvisionedBandwidthCopySpeed(ProvisionedBandwidthCopyOption.ENHANCED);
        }
        SnapshotInner inner = new SnapshotInner().withCreationData(creation).withIncremental(true);
        inner.withLocation(request.region()).withTags(request.tags());
        try {
            // Beginning the operation sends the PUT and reads Azure's acceptance; the operation is not waited for,
            // since the copy's progress is read from the listings.
            snapshots().beginCreateOrUpdate(request.group().name(), request.name(), inner);
        } catch (ManagementException e) {
            throw AzureCallFailed.of(e);
        } catch (RuntimeException e) {
            throw unreachable("start the copy to " + request.name(), e);
        }
    }

    @Override
    public void delete(ArmResourceId id) {
        try {
            snapshots().delete(id.resourceGroup(), id.name());
        } catch (ManagementException e) {
            if (e.getResponse() == null || e.getResponse().getStatusCode() != 404) {
                throw AzureCallFailed.of(e);
            }
        } catch (RuntimeException e) {
            throw unreachable("delete snapshot " + id.name(), e);
        }
    }

    private static AzureCallFailed unreachable(String what, RuntimeException e) {
        return new AzureCallFailed("AzureUnreachable", 0, "Azure could not be asked to " + what + ": " + e.getClass().getSimpleName(), e);
    }

    private static RegionCopy toCopy(SnapshotInner inner) {
        CreationData creation = inner.creationData();
        String option = creation == null || creation.createOption() == null ? null : creation.createOption().toString();
        String source = creation == null ? null : creation.sourceResourceId();
        double percent = inner.completionPercent() == null ? 100 : inner.completionPercent();
        String errorCode = inner.copyCompletionError() == null || inner.copyCompletionError().errorCode() == null ? null
                : inner.copyCompletionError().errorCode().toString();
        String errorMessage = inner.copyCompletionError() == null ? null : inner.copyCompletionError().errorMessage();
        long size = inner.diskSizeBytes() == null ? 0 : inner.diskSizeBytes();
        Map<String, String> tags = inner.tags() == null ? Map.of() : inner.tags();
        Instant created = inner.timeCreated() == null ? null : inner.timeCreated().toInstant();
        return new RegionCopy(ArmResourceId.parse(inner.id()), AzureRegion.normalize(inner.location()), option, source,
                percent, inner.provisioningState(), errorCode, errorMessage, size, tags, created);
    }
}
