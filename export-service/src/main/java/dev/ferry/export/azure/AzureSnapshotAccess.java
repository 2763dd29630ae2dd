package dev.ferry.export.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.models.AccessLevel;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.SasUrl;
import dev.ferry.export.SnapshotAccess;
import dev.ferry.export.StorageCallFailed;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@link SnapshotAccess} through the Compute SDK: Snapshots_GrantAccess and Snapshots_RevokeAccess, each a
 * long-running operation the calling volume waits for; how long is timed apart from Ferry's own work
 * ({@code ferry_export_azure_wait_seconds{operation=grant|revoke}}).
 */
public final class AzureSnapshotAccess implements SnapshotAccess {

    private final ComputeManager compute;
    private final Timer grants;
    private final Timer revokes;

    public AzureSnapshotAccess(ComputeManager compute, MeterRegistry metrics) {
        this.compute = compute;
        this.grants = metrics.timer("ferry.export.azure.wait", "operation", "grant");
        this.revokes = metrics.timer("ferry.export.azure.wait", "operation", "revoke");
    }

    @Override
    public SasUrl grantRead(ArmResourceId snapshotId, Duration duration) {
        int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toSeconds()));
        Timer.Sample waited = Timer.start();
        try {
            return SasUrl.of(compute.snapshots().grantAccess(snapshotId.resourceGroup(), snapshotId.name(),
                    AccessLevel.READ, seconds));
        } catch (ManagementException e) {
            throw failed("Grant access on " + snapshotId, e);
        } finally {
            waited.stop(grants);
        }
    }

    @Override
    public void revoke(ArmResourceId snapshotId) {
        Timer.Sample waited = Timer.start();
        try {
            compute.snapshots().revokeAccess(snapshotId.resourceGroup(), snapshotId.name());
        } catch (ManagementException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return; // the snapshot is gone, and with it every grant
            }
            throw failed("Revoke access on " + snapshotId, e);
        } finally {
            waited.stop(revokes);
        }
    }

    private static StorageCallFailed failed(String operation, ManagementException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String code = e.getValue() == null ? null : e.getValue().getCode();
        return new StorageCallFailed(operation, status, code,
                AzureStorageFailures.retryAfter(e.getResponse()), null);
    }
}
