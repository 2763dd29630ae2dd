package dev.ferry.restore.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.compute.ComputeManager;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.restore.RegionSnapshots;
import dev.ferry.support.azure.AzureCallFailed;
import jakarta.enterprise.context.ApplicationScoped;

/** Region-B snapshots through the Compute SDK. */
@ApplicationScoped
public class AzureRegionSnapshots implements RegionSnapshots {

    private final ComputeManager compute;

    public AzureRegionSnapshots(ComputeManager compute) {
        this.compute = compute;
    }

    @Override
    public boolean exists(ArmResourceId snapshotId) {
        try {
            compute.snapshots().getById(snapshotId.toString());
            return true;
        } catch (ManagementException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return false;
            }
            throw AzureCallFailed.of(e);
        }
    }

    @Override
    public void delete(ArmResourceId snapshotId) {
        try {
            compute.snapshots().deleteById(snapshotId.toString());
        } catch (ManagementException e) {
            if (e.getResponse() == null || e.getResponse().getStatusCode() != 404) {
                throw AzureCallFailed.of(e);
            }
        }
    }
}
