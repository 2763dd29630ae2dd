package dev.ferry.snapshot.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.models.SnapshotInner;
import dev.ferry.events.arm.AzureRegion;
import dev.ferry.snapshot.SourceSnapshots;
import dev.ferry.support.azure.AzureCallFailed;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Region-A snapshots through the Compute SDK: one GET by id. */
@ApplicationScoped
public class AzureSourceSnapshots implements SourceSnapshots {

    private final ComputeManager compute;

    public AzureSourceSnapshots(ComputeManager compute) {
        this.compute = compute;
    }

    @Override
    public Optional<SourceSnapshotInfo> describe(String snapshotId) {
        try {
            var snapshot = compute.snapshots().getById(snapshotId);
            if (snapshot == null) {
                return Optional.empty();
            }
            SnapshotInner inner = snapshot.innerModel();
            Long bytes = inner.diskSizeBytes();
            long size = bytes != null ? bytes : inner.diskSizeGB() != null ? (long) inner.diskSizeGB() << 30 : 0;
            return Optional.of(new SourceSnapshotInfo(snapshot.id(), AzureRegion.normalize(snapshot.regionName()), size, Boolean.TRUE.equals(inner.incremental()),
                    inner.incrementalSnapshotFamilyId(), inner.timeCreated() == null ? null : inner.timeCreated().toInstant()));
        } catch (ManagementException e) {
            int status = e.getResponse() != null ? e.getResponse().getStatusCode() : 0;
            if (status == 404) {
                return Optional.empty();
            }
            String code = e.getValue() != null && e.getValue().getCode() != null ? e.getValue().getCode() : "AzureError";
            String message = e.getValue() != null && e.getValue().getMessage() != null ? e.getValue().getMessage() : e.getMessage();
            throw new AzureCallFailed(code, status, message, e);
        } catch (RuntimeException e) {
            throw new AzureCallFailed("AzureUnreachable", 0, "Azure could not be asked for snapshot " + snapshotId + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }
}
