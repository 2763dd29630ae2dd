package dev.ferry.localcloud.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.models.Disk;
import com.azure.resourcemanager.compute.models.Snapshot;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import dev.ferry.localcloud.azure.compute.SparseContent;
import dev.ferry.localcloud.azure.compute.VhdFooter;
import dev.ferry.localcloud.azurite.Azurite;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Conformance of the Azure fake, driven only through the production SDKs: azure-identity's
 * ClientSecretCredential against the token endpoint, ComputeManager against the Resource Manager,
 * and the Blob SDK against the managed-disk SAS data plane and Azurite.
 */
class AzureFakeConformanceIT {

    private static final String SUBSCRIPTION = "6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11";
    private static final String SOURCE_GROUP = "mc_source_eastus";
    private static final String DR_GROUP = "ferry-dr-westus";
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    private static AzureFake fake;
    private static Azurite azurite;
    private static ComputeManager compute;

    @BeforeAll
    static void start() {
        fake = AzureFake.start();
        fake.tls().trustInThisJvm();
        azurite = Azurite.builder().account("drstaging").account("eaststaging").start();
        fake.compute().createResourceGroup(SUBSCRIPTION, SOURCE_GROUP, "eastus");
        fake.compute().createResourceGroup(SUBSCRIPTION, DR_GROUP, "westus");
        fake.compute().registerStorageAccount(SUBSCRIPTION, DR_GROUP, "drstaging", "westus",
                azurite.account("drstaging").blobEndpoint(), azurite.account("drstaging").connectionString());
        fake.compute().registerStorageAccount(SUBSCRIPTION, SOURCE_GROUP, "eaststaging", "eastus",
                azurite.account("eaststaging").blobEndpoint(), azurite.account("eaststaging").connectionString());
        compute = computeManager(AzureFake.CLIENT_SECRET);
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private static ComputeManager computeManager(String secret) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", fake.endpoint());
        endpoints.put("managementEndpointUrl", fake.endpoint());
        endpoints.put("activeDirectoryEndpointUrl", fake.endpoint());
        AzureEnvironment environment = new AzureEnvironment(endpoints);
        ClientSecretCredential credential = new ClientSecretCredentialBuilder()
                .tenantId(AzureFake.TENANT_ID).clientId(AzureFake.CLIENT_ID).clientSecret(secret)
                .authorityHost(fake.endpoint()).disableInstanceDiscovery().build();
        return ComputeManager.configure()
                .withRetryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(3)
                        .setBaseDelay(Duration.ofMillis(100)).setMaxDelay(Duration.ofSeconds(2))))
                .authenticate(credential, new AzureProfile(AzureFake.TENANT_ID, SUBSCRIPTION, environment));
    }

    private static Disk newDisk(String group, String region, int sizeGb) {
        return compute.disks().define("disk-" + UUID.randomUUID()).withRegion(region).withExistingResourceGroup(group)
                .withData().withSizeInGB(sizeGb).create();
    }

    private static Snapshot snapshotOf(Disk disk) {
        return compute.snapshots().define("snap-" + UUID.randomUUID()).withRegion(disk.regionName())
                .withExistingResourceGroup(disk.resourceGroupName()).withDataFromDisk(disk).withIncremental(true).create();
    }

    private static SparseContent contentOf(Disk disk) {
        return fake.compute().disk(ResourceKey.parse(disk.id())).orElseThrow().content();
    }

    private static PageBlobClient sasBlob(String sas) {
        return new BlobClientBuilder().endpoint(sas).buildClient().getPageBlobClient();
    }

    private static byte[] download(PageBlobClient blob, long offset, long count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        blob.downloadStreamWithResponse(out, new BlobRange(offset, count), null, null, false, null, null);
        return out.toByteArray();
    }

    private static byte[] random(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    // ---- identity ------------------------------------------------------------------------------

    /** A plain HTTP client that trusts the fake's certificate, for what the SDK does not show. */
    private static HttpClient http() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(fake.trustStore())) {
            store.load(in, fake.trustStorePassword().toCharArray());
        }
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).build();
    }

    private static URI snapshotsOf(String group) {
        return URI.create(fake.endpoint() + "subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group
                + "/providers/Microsoft.Compute/snapshots?api-version=2025-01-02");
    }

    @Test
    void armRefusesRequestsWithoutAValidToken() throws Exception {
        HttpClient http = http();
        URI uri = snapshotsOf(SOURCE_GROUP);

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer forged").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("InvalidAuthenticationToken");
    }

    @Test
    void everyAnswerNamesItsRequestAndKeepsTheCallersCorrelationId() throws Exception {
        String correlation = UUID.randomUUID().toString();
        HttpResponse<String> refused = http().send(HttpRequest.newBuilder(snapshotsOf(SOURCE_GROUP))
                .header("x-ms-correlation-request-id", correlation).build(), HttpResponse.BodyHandlers.ofString());
        ManagementException missing = org.assertj.core.api.Assertions.catchThrowableOfType(ManagementException.class,
                () -> compute.snapshots().getByResourceGroup(SOURCE_GROUP, "no-such-snapshot-" + UUID.randomUUID()));
        String listed = compute.serviceClient().getSnapshots().listByResourceGroup(SOURCE_GROUP).iterableByPage().iterator().next()
                .getHeaders().getValue("x-ms-request-id");

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("x-ms-correlation-request-id")).hasValue(correlation);
        assertThat(refused.headers().firstValue("x-ms-request-id")).hasValueSatisfying(id -> assertThat(UUID.fromString(id)).isNotNull());
        assertThat(missing.getResponse().getStatusCode()).isEqualTo(404);
        assertThat(missing.getResponse().getHeaders().getValue("x-ms-request-id")).isNotBlank();
        assertThat(missing.getResponse().getHeaders().getValue("x-ms-correlation-request-id")).isNotBlank();
        assertThat(listed).isNotBlank().isNotEqualTo(missing.getResponse().getHeaders().getValue("x-ms-request-id"));
    }

    @Test
    void aWrongClientSecretGetsNoToken() {
        ComputeManager wrong = computeManager("not-the-secret");

        assertThatThrownBy(() -> wrong.snapshots().listByResourceGroup(SOURCE_GROUP).stream().count())
                .hasMessageContaining("Invalid client secret")
                .hasMessageNotContaining("not-the-secret");
    }

    // ---- disks, snapshots, long-running operations ---------------------------------------------

    @Test
    void disksAndIncrementalSnapshotsGoThroughLongRunningOperations() {
        long started = System.nanoTime();
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        Snapshot first = snapshotOf(disk);
        Snapshot second = snapshotOf(disk);
        Duration threeOperations = Duration.ofNanos(System.nanoTime() - started);

        assertThat(disk.sizeInGB()).isEqualTo(1);
        assertThat(disk.innerModel().diskSizeBytes()).isEqualTo(GIB);
        assertThat(first.incremental()).isTrue();
        assertThat(first.innerModel().provisioningState()).isEqualTo("Succeeded");
        assertThat(first.innerModel().diskSizeBytes()).isEqualTo(GIB);
        assertThat(first.innerModel().incrementalSnapshotFamilyId())
                .isNotNull().isEqualTo(second.innerModel().incrementalSnapshotFamilyId());
        assertThat(first.innerModel().creationData().sourceResourceId()).isEqualToIgnoringCase(disk.id());
        // Each operation is polled to its end without the SDK's 30 s default wait.
        assertThat(threeOperations).isLessThan(Duration.ofSeconds(10));
        assertThat(compute.snapshots().listByResourceGroup(SOURCE_GROUP).stream().map(Snapshot::id))
                .contains(first.id(), second.id());
    }

    @Test
    void slowOperationsArePolledThroughAzureAsyncOperationAndLocation() {
        fake.operations().delay(Duration.ofMillis(300));
        try {
            Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
            Snapshot snapshot = snapshotOf(disk);
            assertThat(snapshot.innerModel().provisioningState()).isEqualTo("Succeeded");

            String sas = snapshot.grantAccess(600);
            assertThat(sasBlob(sas).getProperties().getBlobSize()).isEqualTo(GIB + 512);
            snapshot.revokeAccess();
            assertThatThrownBy(() -> sasBlob(sas).getProperties()).isInstanceOf(BlobStorageException.class);

            compute.snapshots().deleteById(snapshot.id());
            assertThat(fake.compute().snapshot(ResourceKey.parse(snapshot.id()))).isEmpty();
        } finally {
            fake.operations().delay(Duration.ZERO);
        }
    }

    @Test
    void aSnapshotKeepsTheBytesOfItsMomentAndDeletesAreIdempotent() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        byte[] before = random(new Random(1), 8192);
        contentOf(disk).write(4096, before);
        Snapshot snapshot = snapshotOf(disk);
        contentOf(disk).write(4096, random(new Random(2), 8192));

        SparseContent snapshotContent = fake.compute().snapshot(ResourceKey.parse(snapshot.id())).orElseThrow().content();
        assertThat(snapshotContent.read(4096, 8192)).isEqualTo(before);

        compute.snapshots().deleteById(snapshot.id());
        assertThatThrownBy(() -> compute.snapshots().getById(snapshot.id()))
                .isInstanceOf(ManagementException.class)
                .satisfies(e -> assertThat(((ManagementException) e).getValue().getCode()).isEqualTo("ResourceNotFound"));
        compute.snapshots().deleteById(snapshot.id());
    }

    @Test
    void aDiskFromASnapshotMustBeInTheSnapshotsRegion() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        byte[] data = random(new Random(3), 4096);
        contentOf(disk).write(GIB - 4096, data);
        Snapshot snapshot = snapshotOf(disk);

        Disk restored = compute.disks().define("restored-" + UUID.randomUUID()).withRegion("eastus")
                .withExistingResourceGroup(SOURCE_GROUP).withData().fromSnapshot(snapshot.id()).create();

        assertThat(contentOf(restored).read(GIB - 4096, 4096)).isEqualTo(data);
        assertThatThrownBy(() -> compute.disks().define("elsewhere-" + UUID.randomUUID()).withRegion("westus")
                .withExistingResourceGroup(DR_GROUP).withData().fromSnapshot(snapshot.id()).create())
                .isInstanceOf(ManagementException.class)
                .hasMessageContaining("same region");
    }

    // ---- the managed-disk SAS data plane -------------------------------------------------------

    @Test
    void aGrantedSasServesTheSnapshotAsAFixedVhdPageBlob() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        byte[] data = random(new Random(4), 3 * 512);
        contentOf(disk).write(10 * MIB, data);
        Snapshot snapshot = snapshotOf(disk);

        String sas = snapshot.grantAccess(3600);
        try {
            PageBlobClient blob = sasBlob(sas);
            var properties = blob.getProperties();
            assertThat(properties.getBlobSize()).isEqualTo(GIB + 512);
            assertThat(properties.getBlobType()).hasToString("PageBlob");
            assertThat(download(blob, 10 * MIB, data.length)).isEqualTo(data);
            assertThat(download(blob, 0, 512)).isEqualTo(new byte[512]);
            byte[] footer = download(blob, GIB, 512);
            assertThat(new String(footer, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("conectix");
            assertThat(VhdFooter.problem(footer, GIB + 512)).isNull();
            List<PageRange> ranges = blob.getPageRanges(new BlobRange(0, GIB + 512)).getPageRange();
            assertThat(ranges).extracting(PageRange::getStart, PageRange::getEnd)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(10 * MIB, 10 * MIB + data.length - 1),
                            org.assertj.core.groups.Tuple.tuple(GIB, GIB + 511));
            assertThat(compute.snapshots().getById(snapshot.id()).innerModel().diskState().toString()).isEqualTo("ActiveSAS");
        } finally {
            snapshot.revokeAccess();
        }
    }

    @Test
    void theManagedDiskDiffIsTheTrueDiffAfterRandomizedWrites() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        SparseContent content = contentOf(disk);
        Random random = new Random(42);
        TreeMap<Long, byte[]> truth = new TreeMap<>();
        long span = 64 * MIB;
        applyRandomWrites(content, truth, random, span, 60, 0);
        Snapshot base = snapshotOf(disk);
        Map<Long, byte[]> before = copyOf(truth);
        applyRandomWrites(content, truth, random, span, 40, 15);
        Snapshot next = snapshotOf(disk);

        String baseSas = base.grantAccess(3600);
        String nextSas = next.grantAccess(3600);
        try {
            List<PageRange> changed = new ArrayList<>();
            List<PageRange> cleared = new ArrayList<>();
            var diff = sasBlob(nextSas).getManagedDiskPageRangesDiff(new BlobRange(0, GIB), baseSas);
            changed.addAll(diff.getPageRange());
            diff.getClearRange().forEach(c -> cleared.add(new PageRange().setStart(c.getStart()).setEnd(c.getEnd())));

            assertThat(pages(changed)).isEqualTo(expectedChanged(before, truth));
            assertThat(pages(cleared)).isEqualTo(expectedCleared(before, truth));
            assertThat(changed).isNotEmpty();
            assertThat(cleared).isNotEmpty();
        } finally {
            base.revokeAccess();
            next.revokeAccess();
        }
    }

    @Test
    void pageRangesArePagedWithMarkers() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        for (int i = 0; i < 10; i++) {
            contentOf(disk).write(i * MIB, new byte[512]);
        }
        Snapshot snapshot = snapshotOf(disk);
        String sas = snapshot.grantAccess(600);
        try {
            var options = new com.azure.storage.blob.options.ListPageRangesOptions(new BlobRange(0, GIB)).setMaxResultsPerPage(3);
            List<PageRangeItem> items = new ArrayList<>();
            sasBlob(sas).listPageRanges(options, null, null).streamByPage().forEach(page -> {
                assertThat(page.getValue().size()).isLessThanOrEqualTo(3);
                items.addAll(page.getValue());
            });
            assertThat(items).extracting(i -> i.getRange().getOffset())
                    .containsExactly(0L, MIB, 2 * MIB, 3 * MIB, 4 * MIB, 5 * MIB, 6 * MIB, 7 * MIB, 8 * MIB, 9 * MIB);
        } finally {
            snapshot.revokeAccess();
        }
    }

    @Test
    void aRevokedSasReads403() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        Snapshot snapshot = snapshotOf(disk);
        String sas = snapshot.grantAccess(600);
        assertThat(sasBlob(sas).getProperties().getBlobSize()).isEqualTo(GIB + 512);

        snapshot.revokeAccess();

        assertThatThrownBy(() -> sasBlob(sas).getProperties())
                .isInstanceOf(BlobStorageException.class)
                .satisfies(e -> assertThat(((BlobStorageException) e).getStatusCode()).isEqualTo(403));
        assertThat(compute.snapshots().getById(snapshot.id()).innerModel().diskState().toString()).isEqualTo("Unattached");
    }

    @Test
    void anExpiredSasReads403() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        Snapshot snapshot = snapshotOf(disk);
        fake.faults().maxSasLifetime(Duration.ofMillis(300));
        String sas;
        try {
            sas = snapshot.grantAccess(3600);
        } finally {
            fake.faults().maxSasLifetime(null);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Integer status = null;
        while (status == null && System.nanoTime() < deadline) {
            try {
                sasBlob(sas).getProperties();
            } catch (BlobStorageException e) {
                status = e.getStatusCode();
            }
        }
        snapshot.revokeAccess();
        assertThat(status).isEqualTo(403);
    }

    @Test
    void theSixthConcurrentSasOfAFamilyIsRefused() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        List<Snapshot> snapshots = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            snapshots.add(snapshotOf(disk));
        }
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(snapshots.get(i).grantAccess(600)).startsWith("https://127.0.0.1:");
            }
            assertThatThrownBy(() -> snapshots.get(5).grantAccess(600))
                    .isInstanceOf(ManagementException.class)
                    .satisfies(e -> assertThat(((ManagementException) e).getValue().getCode()).isEqualTo("OperationNotAllowed"));

            snapshots.get(0).revokeAccess();
            assertThat(snapshots.get(5).grantAccess(600)).startsWith("https://127.0.0.1:");
        } finally {
            snapshots.forEach(Snapshot::revokeAccess);
        }
    }

    // ---- Import --------------------------------------------------------------------------------

    @Test
    void importTurnsAFixedVhdIntoASnapshotAndRefusesBadOnes() {
        String accountId = ResourceKey.storageAccount(SUBSCRIPTION, DR_GROUP, "drstaging").id();
        byte[] data = random(new Random(5), 4096);
        String good = uploadVhd("drstaging", "good.vhd", 2 * MIB, 512 * 3, data, VhdFooter.forDisk(2 * MIB));
        byte[] badFooter = VhdFooter.forDisk(2 * MIB);
        badFooter[0] = 'X';
        String bad = uploadVhd("drstaging", "bad.vhd", 2 * MIB, 0, data, badFooter);
        String eastBlob = uploadVhd("eaststaging", "east.vhd", 2 * MIB, 0, data, VhdFooter.forDisk(2 * MIB));

        Snapshot imported = compute.snapshots().define("imported-" + UUID.randomUUID()).withRegion("westus")
                .withExistingResourceGroup(DR_GROUP).withDataFromVhd(good, accountId).create();

        assertThat(imported.innerModel().diskSizeBytes()).isEqualTo(2 * MIB);
        SparseContent content = fake.compute().snapshot(ResourceKey.parse(imported.id())).orElseThrow().content();
        assertThat(content.read(512 * 3, data.length)).isEqualTo(data);
        assertThat(content.writtenRanges(0, 2 * MIB)).containsExactly(new SparseContent.Range(512 * 3, 512 * 3 + data.length));

        assertThatThrownBy(() -> compute.snapshots().define("bad-" + UUID.randomUUID()).withRegion("westus")
                .withExistingResourceGroup(DR_GROUP).withDataFromVhd(bad, accountId).create())
                .isInstanceOf(ManagementException.class)
                .hasMessageContaining("conectix");
        assertThatThrownBy(() -> compute.snapshots().define("far-" + UUID.randomUUID()).withRegion("westus")
                .withExistingResourceGroup(DR_GROUP)
                .withDataFromVhd(eastBlob, ResourceKey.storageAccount(SUBSCRIPTION, SOURCE_GROUP, "eaststaging").id()).create())
                .isInstanceOf(ManagementException.class)
                .hasMessageContaining("same region");
    }

    private static String uploadVhd(String account, String name, long diskBytes, long offset, byte[] data, byte[] footer) {
        var container = new BlobServiceClientBuilder().connectionString(azurite.account(account).connectionString())
                .buildClient().getBlobContainerClient("vhds");
        if (!container.exists()) {
            container.create();
        }
        PageBlobClient blob = container.getBlobClient(name).getPageBlobClient();
        blob.create(diskBytes + 512, true);
        blob.uploadPages(new PageRange().setStart(offset).setEnd(offset + data.length - 1), new java.io.ByteArrayInputStream(data));
        blob.uploadPages(new PageRange().setStart(diskBytes).setEnd(diskBytes + 511), new java.io.ByteArrayInputStream(footer));
        return blob.getBlobUrl();
    }

    // ---- CopyStart -----------------------------------------------------------------------------

    @Test
    void copyStartCopiesAcrossRegionsOneAtATimeInCreationOrder() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        byte[] data = random(new Random(6), 64 * 1024);
        contentOf(disk).write(0, data);
        Snapshot older = snapshotOf(disk);
        Snapshot newer = snapshotOf(disk);
        Snapshot full = compute.snapshots().define("full-" + UUID.randomUUID()).withRegion("eastus")
                .withExistingResourceGroup(SOURCE_GROUP).withDataFromDisk(disk).create();
        fake.computeApi().copyStartBandwidth(64 * 1024);

        Snapshot copy = copyStart(newer, "copy-" + UUID.randomUUID());
        try {
            assertThat(copy.copyCompletionPercent()).isLessThan(100f);
            assertThatThrownBy(() -> copyStart(older, "second-" + UUID.randomUUID()))
                    .isInstanceOf(ManagementException.class)
                    .hasMessageContaining("one copy per disk");
        } finally {
            fake.computeApi().copyStartBandwidth(256L << 20);
        }
        assertThat(awaitCopy(copy).copyCompletionPercent()).isEqualTo(100f);
        assertThat(fake.compute().snapshot(ResourceKey.parse(copy.id())).orElseThrow().content().read(0, data.length)).isEqualTo(data);
        assertThat(copy.innerModel().incrementalSnapshotFamilyId()).isEqualTo(newer.innerModel().incrementalSnapshotFamilyId());

        assertThatThrownBy(() -> copyStart(older, "out-of-order-" + UUID.randomUUID()))
                .isInstanceOf(ManagementException.class)
                .hasMessageContaining("creation order");
        assertThatThrownBy(() -> copyStart(full, "from-full-" + UUID.randomUUID()))
                .isInstanceOf(ManagementException.class)
                .hasMessageContaining("only for incremental snapshots");
    }

    @Test
    void deletingTheSourceMidCopyFailsTheCopy() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        contentOf(disk).write(0, random(new Random(7), 256 * 1024));
        Snapshot source = snapshotOf(disk);
        fake.computeApi().copyStartBandwidth(16 * 1024);
        Snapshot copy;
        try {
            copy = copyStart(source, "doomed-" + UUID.randomUUID());
            compute.snapshots().deleteById(source.id());
        } finally {
            fake.computeApi().copyStartBandwidth(256L << 20);
        }

        Snapshot failed = awaitCopy(copy);
        assertThat(failed.copyCompletionError()).isNotNull();
        assertThat(failed.copyCompletionError().errorCode()).hasToString("CopySourceNotFound");
        assertThat(failed.copyCompletionError().errorMessage()).contains("deleted before the copy completed");
        assertThat(failed.copyCompletionPercent()).isLessThan(100f);
    }

    /**
     * Polls a CopyStart until it completes or fails. (The SDK's awaitCopyStartCompletion polls every
     * 30 s, its default interval; Ferry's exporter polls at its own configured interval.)
     */
    private static Snapshot awaitCopy(Snapshot copy) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Snapshot current = compute.snapshots().getById(copy.id());
        while (current.copyCompletionError() == null && !Float.valueOf(100).equals(current.copyCompletionPercent())
                && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            current = compute.snapshots().getById(copy.id());
        }
        return current;
    }

    private static Snapshot copyStart(Snapshot source, String name) {
        return compute.snapshots().define(name).withRegion("westus").withExistingResourceGroup(DR_GROUP)
                .withDataFromSnapshot(source).withCopyStart().create();
    }

    // ---- faults --------------------------------------------------------------------------------

    @Test
    void injectedFaultsShowUpAsAzureStatusesAndHeaders() {
        Disk disk = newDisk(SOURCE_GROUP, "eastus", 1);
        int servedBefore = fake.faults().served(Faults.Kind.ARM_READ);
        fake.faults().inject(Faults.Kind.ARM_READ, Faults.Fault.throttle(Duration.ofSeconds(1)), 1);

        assertThat(compute.disks().getById(disk.id()).id()).isEqualToIgnoringCase(disk.id());
        assertThat(fake.faults().served(Faults.Kind.ARM_READ)).isEqualTo(servedBefore + 1);

        fake.faults().inject(Faults.Kind.ARM_WRITE, Faults.Fault.internalError(), 10);
        try {
            assertThatThrownBy(() -> snapshotOf(disk))
                    .isInstanceOf(ManagementException.class)
                    .satisfies(e -> assertThat(((ManagementException) e).getResponse().getStatusCode()).isEqualTo(500));
        } finally {
            fake.faults().clear();
        }

        Snapshot snapshot = snapshotOf(disk);
        String sas = snapshot.grantAccess(600);
        try {
            fake.faults().inject(Faults.Kind.SAS_READ, Faults.Fault.serverBusy(Duration.ofSeconds(2)), 1);
            PageBlobClient noRetries = new BlobClientBuilder().endpoint(sas)
                    .retryOptions(new com.azure.storage.common.policy.RequestRetryOptions(
                            com.azure.storage.common.policy.RetryPolicyType.FIXED, 1, 10, 10L, 10L, null))
                    .buildClient().getPageBlobClient();
            assertThatThrownBy(() -> download(noRetries, 0, 512))
                    .isInstanceOf(BlobStorageException.class)
                    .satisfies(e -> {
                        BlobStorageException storage = (BlobStorageException) e;
                        assertThat(storage.getStatusCode()).isEqualTo(503);
                        assertThat(storage.getErrorCode().toString()).isEqualTo("ServerBusy");
                        assertThat(storage.getResponse().getHeaderValue("Retry-After")).isEqualTo("2");
                    });
        } finally {
            fake.faults().clear();
            snapshot.revokeAccess();
        }
    }

    // ---- the truth for the diff test -------------------------------------------------------------

    private static void applyRandomWrites(SparseContent content, TreeMap<Long, byte[]> truth, Random random, long span,
                                          int writes, int clears) {
        for (int i = 0; i < writes + clears; i++) {
            long page = random.nextInt((int) (span / 512 - 64));
            int pages = 1 + random.nextInt(48);
            if (i < writes) {
                byte[] bytes = random(random, pages * 512);
                content.write(page * 512, bytes);
                for (int p = 0; p < pages; p++) {
                    truth.put(page + p, Arrays.copyOfRange(bytes, p * 512, (p + 1) * 512));
                }
            } else {
                // Clear where data is, so that the diff has cleared ranges to report.
                List<Long> written = new ArrayList<>(truth.keySet());
                page = written.get(random.nextInt(written.size()));
                content.clear(page * 512, pages * 512L);
                for (int p = 0; p < pages; p++) {
                    truth.remove(page + p);
                }
            }
        }
    }

    private static Map<Long, byte[]> copyOf(TreeMap<Long, byte[]> truth) {
        return new TreeMap<>(truth);
    }

    private static List<Long> expectedChanged(Map<Long, byte[]> before, Map<Long, byte[]> after) {
        return after.keySet().stream().filter(p -> !before.containsKey(p) || !Arrays.equals(before.get(p), after.get(p)))
                .sorted().toList();
    }

    private static List<Long> expectedCleared(Map<Long, byte[]> before, Map<Long, byte[]> after) {
        return before.keySet().stream().filter(p -> !after.containsKey(p)).sorted().toList();
    }

    /** The 512-byte page numbers that a list of inclusive ranges covers. */
    private static List<Long> pages(List<PageRange> ranges) {
        List<Long> pages = new ArrayList<>();
        for (PageRange r : ranges) {
            assertThat(r.getStart() % 512).isZero();
            assertThat((r.getEnd() + 1) % 512).isZero();
            for (long p = r.getStart() / 512; p <= r.getEnd() / 512; p++) {
                pages.add(p);
            }
        }
        return pages;
    }
}
