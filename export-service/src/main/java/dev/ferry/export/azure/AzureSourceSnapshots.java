package dev.ferry.export.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.models.SnapshotInner;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.events.arm.MalformedResourceIdException;
import dev.ferry.export.SourceSnapshots;
import dev.ferry.export.StorageCallFailed;
import java.util.Optional;

/** {@link SourceSnapshots} through the Compute SDK's inner client (Snapshots_Get). */
public final class AzureSourceSnapshots implements SourceSnapshots {

    private final ComputeManager compute;

    public AzureSourceSnapshots(ComputeManager compute) {
        this.compute = compute;
    }

    @Override
    public Optional<Facts> find(ArmResourceId snapshotId) {
        SnapshotInner inner;
        try {
            inner = compute.serviceClient().getSnapshots().getByResourceGroup(snapshotId.resourceGroup(), snapshotId.name());
        } catch (ManagementException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            if (status == 404) {
                return Optional.empty();
            }
            String code = e.getValue() == null ? null : e.getValue().getCode();
            throw new StorageCallFailed("Get snapshot " + snapshotId, status, code,
                    AzureStorageFailures.retryAfter(e.getResponse()), null);
        } catch (RuntimeException e) {
            // A timeout or a lost connection: transient, like a storage call's.
            throw AzureStorageFailures.translate("Get snapshot " + snapshotId, e);
        }
        ArmResourceId disk = null;
        String source = inner.creationData() == null ? null : inner.creationData().sourceResourceId();
        if (source != null) {
            try {
                disk = ArmResourceId.parse(source);
            } catch (MalformedResourceIdException e) {
                disk = null;
            }
        }
        boolean incremental = Boolean.TRUE.equals(inner.incremental());
        long size = inner.diskSizeBytes() == null ? 0 : inner.diskSizeBytes();
        return Optional.of(new Facts(snapshotId, disk, inner.incrementalSnapshotFamilyId(), incremental, size));
    }
}
