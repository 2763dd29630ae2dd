package dev.ferry.export;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.export.azure.AzureSnapshotAccess;
import dev.ferry.export.azure.AzureSourceDisk;
import dev.ferry.export.azure.AzureStagingAccount;
import dev.ferry.export.azure.BlobClients;
import dev.ferry.export.transfer.ChunkScheduler;
import dev.ferry.export.transfer.PageRangePlanner;
import dev.ferry.export.transfer.RetryPolicy;
import dev.ferry.export.transfer.ServerSideCopyEngine;
import dev.ferry.export.transfer.StreamingCopyEngine;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.AzureFake;
import dev.ferry.localcloud.azure.compute.Disk;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.Snapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The export-service's Azure adapters wired to a running {@link LocalCloud}: the Compute SDK on the
 * Azure fake, the staging account through the storage front, and source snapshots with data.
 */
public final class ExportTestBed {

    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;

    private final LocalCloud cloud;
    private final ComputeManager compute;
    private final BlobClients clients;

    public ExportTestBed(LocalCloud cloud) {
        this.cloud = cloud;
        // Before any HTTP client exists: the JDK client takes the default SSL context when it is built.
        cloud.azure().tls().trustInThisJvm();
        this.clients = BlobClients.standard();
        this.compute = computeManager(cloud.azure().endpoint());
    }

    /** The Compute SDK on the Azure fake at {@code endpoint}; the JVM must already trust the fake's certificate. */
    public static ComputeManager computeManager(String endpoint) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", endpoint);
        endpoints.put("managementEndpointUrl", endpoint);
        endpoints.put("activeDirectoryEndpointUrl", endpoint);
        return ComputeManager.authenticate(new ClientSecretCredentialBuilder().tenantId(AzureFake.TENANT_ID)
                        .clientId(AzureFake.CLIENT_ID).clientSecret(AzureFake.CLIENT_SECRET)
                        .authorityHost(endpoint).disableInstanceDiscovery().build(),
                new AzureProfile(AzureFake.TENANT_ID, LocalCloud.SUBSCRIPTION_ID, new AzureEnvironment(endpoints)));
    }

    public LocalCloud cloud() {
        return cloud;
    }

    public ComputeManager compute() {
        return compute;
    }

    public SnapshotAccess snapshotAccess() {
        return new AzureSnapshotAccess(compute, new SimpleMeterRegistry());
    }

    /** The real grants, each SAS also added to {@code granted}, so that a test can try it after the export. */
    public SnapshotAccess snapshotAccessRecordingInto(java.util.List<SasUrl> granted) {
        SnapshotAccess access = snapshotAccess();
        return new SnapshotAccess() {
            @Override
            public SasUrl grantRead(ArmResourceId snapshotId, Duration duration) {
                SasUrl sas = access.grantRead(snapshotId, duration);
                granted.add(sas);
                return sas;
            }

            @Override
            public void revoke(ArmResourceId snapshotId) {
                access.revoke(snapshotId);
            }
        };
    }

    public SourceDisk sourceDisk() {
        return new AzureSourceDisk(clients);
    }

    /** The region-B staging account through the storage front (which adds Put Page From URL). */
    public StagingAccount staging() {
        return AzureStagingAccount.fromConnectionString(cloud.storage().connectionString(LocalCloud.DR_STAGING_ACCOUNT), clients);
    }

    /** An exporter with both engines over the given ports. */
    public static VhdExporter exporter(SnapshotAccess access, SourceDisk source, StagingAccount staging, RetryPolicy retry,
                                       Duration progressInterval) {
        ChunkScheduler scheduler = new ChunkScheduler(retry, progressInterval, System::nanoTime);
        return new VhdExporter(access, source, staging,
                List.of(new StreamingCopyEngine(scheduler), new ServerSideCopyEngine(scheduler)),
                new PageRangePlanner(PageRangePlanner.MAX_CHUNK_BYTES), retry, Clock.systemUTC());
    }

    /**
     * A disk in the source cluster's node resource group with {@code extents} random writes of
     * random lengths adding up to about {@code writtenBytes}, and an incremental snapshot of it.
     */
    public Snapshot sourceSnapshot(String name, long diskBytes, long writtenBytes, int extents, long seed) {
        Disk disk = cloud.azure().compute().createEmptyDisk(
                ResourceKey.disk(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, name), LocalCloud.SOURCE_REGION,
                diskBytes, Map.of());
        Random random = new Random(seed);
        long perExtent = writtenBytes / extents;
        long slot = diskBytes / extents / 512 * 512;
        for (int i = 0; i < extents; i++) {
            // One extent per slot of the disk, at a random 512-aligned place within it: scattered, never overlapping,
            // of varied lengths (the first a single page, many crossing a 4 MiB boundary).
            long length = i == 0 ? 512 : Math.max(512, (perExtent / 2 + (long) (random.nextDouble() * perExtent)) / 512 * 512);
            length = Math.min(length, slot);
            long room = (slot - length) / 512;
            long offset = slot * i + (long) (random.nextDouble() * (room + 1)) * 512;
            byte[] data = new byte[(int) length];
            random.nextBytes(data);
            disk.content().write(offset, data);
        }
        Snapshot snapshot = cloud.azure().compute().copyDisk(
                ResourceKey.snapshot(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, name + "-snap"),
                LocalCloud.SOURCE_REGION, disk.id(), true, Map.of(), "Standard_ZRS");
        cloud.azure().compute().provisioned(snapshot);
        return snapshot;
    }

    public static ArmResourceId id(Snapshot snapshot) {
        return ArmResourceId.parse(snapshot.id());
    }
}
