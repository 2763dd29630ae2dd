package dev.ferry.localcloud.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.models.SnapshotInner;
import com.azure.resourcemanager.compute.models.CreationData;
import com.azure.resourcemanager.compute.models.Disk;
import com.azure.resourcemanager.compute.models.DiskCreateOption;
import com.azure.resourcemanager.compute.models.ProvisionedBandwidthCopyOption;
import com.azure.resourcemanager.compute.models.Snapshot;
import com.azure.storage.blob.BlobClientBuilder;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The Azure limits that Ferry's admission control must keep, as the fake enforces them, driven through the
 * production SDK. Each test has a subscription of its own, so that no test's counts reach another's.
 */
class AzureFakeLimitsIT {

    /** The resource groups of every test subscription, each in its region. */
    private static final Map<String, String> REGIONS = Map.of("east", "eastus", "west", "westus", "central", "centralus");
    private static final String EAST = "east";
    private static final String WEST = "west";
    private static final String CENTRAL = "central";
    private static final long KIB = 1024;

    private static AzureFake fake;

    @BeforeAll
    static void start() {
        fake = AzureFake.start();
        fake.tls().trustInThisJvm();
    }

    @AfterAll
    static void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    @AfterEach
    void generousBudgetsAgain() {
        fake.armWriteBudget(1_000_000, Duration.ofSeconds(1));
        fake.armReadBudget(1_000_000, Duration.ofSeconds(1));
        fake.armDeleteBudget(1_000_000, Duration.ofSeconds(1));
        fake.operations().delay(Duration.ZERO);
        fake.compute().copyStartLimit(ComputeState.COPY_START_LIMIT);
        fake.compute().snapshotsPerDiskLimit(7, Duration.ofMinutes(5));
        fake.computeApi().copyStartBandwidth(256L << 20);
        fake.computeApi().computeRateLimitsReportedOnly();
    }

    // ---- ARM's subscription limits -------------------------------------------------------------

    @Test
    void everyArmAnswerNamesWhatIsLeftInTheBucketOfItsKind() {
        fake.armWriteBudget(3, Duration.ofHours(1));
        fake.armReadBudget(100, Duration.ofHours(1));
        fake.armDeleteBudget(10, Duration.ofHours(1));
        Subscription subscription = Subscription.withoutRetries();

        Disk disk = subscription.newDisk(EAST);
        Snapshot snapshot = subscription.snapshotOf(disk);
        subscription.compute.disks().getById(disk.id());
        subscription.compute.disks().getById(disk.id());
        subscription.compute.snapshots().deleteById(snapshot.id());

        assertThat(subscription.responses.to("PUT", disk.name()))
                .extracting(r -> r.header("x-ms-ratelimit-remaining-subscription-writes")).containsExactly("2");
        assertThat(subscription.responses.to("PUT", snapshot.name()))
                .extracting(r -> r.header("x-ms-ratelimit-remaining-subscription-writes")).containsExactly("1");
        List<Recorded> reads = subscription.responses.to("GET", disk.name());
        int lastRead = Integer.parseInt(reads.get(reads.size() - 1).header("x-ms-ratelimit-remaining-subscription-reads"));
        int readBefore = Integer.parseInt(reads.get(reads.size() - 2).header("x-ms-ratelimit-remaining-subscription-reads"));
        assertThat(lastRead).isEqualTo(readBefore - 1).isLessThan(100);
        Recorded delete = subscription.responses.to("DELETE", snapshot.name()).get(0);
        assertThat(delete.header("x-ms-ratelimit-remaining-subscription-deletes")).isEqualTo("9");
        assertThat(delete.header("x-ms-ratelimit-remaining-subscription-writes")).isNull();
    }

    @Test
    void aWriteBeyondTheBudgetIsThrottledWithRetryAfterWhileReadsGoOn() {
        fake.armWriteBudget(2, Duration.ofHours(1));
        Subscription subscription = Subscription.withoutRetries();
        Disk disk = subscription.newDisk(EAST);
        subscription.snapshotOf(disk);

        ManagementException throttled = catchThrowableOfType(() -> subscription.snapshotOf(disk), ManagementException.class);

        assertThat(throttled.getResponse().getStatusCode()).isEqualTo(429);
        assertThat(throttled.getValue().getCode()).isEqualTo("SubscriptionRequestsThrottled");
        assertThat(throttled.getValue().getMessage()).contains("'write' requests for subscription '" + subscription.id + "'");
        assertThat(Long.parseLong(throttled.getResponse().getHeaderValue("Retry-After"))).isBetween(1L, 1800L);
        assertThat(throttled.getResponse().getHeaderValue("x-ms-ratelimit-remaining-subscription-writes")).isEqualTo("0");
        assertThat(subscription.compute.disks().getById(disk.id()).id()).isEqualToIgnoringCase(disk.id());
    }

    @Test
    void operationPollsAreReads() {
        fake.operations().delay(Duration.ofMillis(200));
        Subscription subscription = Subscription.withoutRetries();

        subscription.newDisk(EAST);

        List<Recorded> polls = subscription.responses.all().stream().filter(r -> r.path().contains("/operations/")).toList();
        assertThat(polls).isNotEmpty().allSatisfy(poll -> {
            assertThat(poll.method()).isEqualTo("GET");
            assertThat(poll.header("x-ms-ratelimit-remaining-subscription-reads")).isNotNull();
            assertThat(poll.header("x-ms-ratelimit-remaining-subscription-writes")).isNull();
        });
    }

    @Test
    void neitherTheTokenEndpointNorTheSasDataPlaneIsCounted() {
        fake.armReadBudget(1000, Duration.ofHours(1));
        Subscription subscription = Subscription.withoutRetries();
        Snapshot snapshot = subscription.snapshotOf(subscription.newDisk(EAST));
        String sas = snapshot.grantAccess(600);
        for (int i = 0; i < 3; i++) {
            new BlobClientBuilder().endpoint(sas).buildClient().getProperties();
            credential().getTokenSync(new TokenRequestContext().addScopes(fake.endpoint() + ".default"));
        }

        subscription.compute.snapshots().getById(snapshot.id());

        List<Recorded> reads = subscription.responses.all().stream().filter(r -> r.method().equals("GET")).toList();
        assertThat(reads.get(reads.size() - 1).header("x-ms-ratelimit-remaining-subscription-reads"))
                .isEqualTo(Integer.toString(1000 - reads.size()));
        snapshot.revokeAccess();
    }

    @Test
    void theSdkWaitsOutRetryAfterBeforeItRetriesAThrottledWrite() {
        fake.armWriteBudget(1, Duration.ofSeconds(3));
        Subscription subscription = Subscription.withTheSdksDefaultRetries();
        Disk disk = subscription.newDisk(EAST);

        Snapshot snapshot = subscription.snapshotOf(disk);

        List<ArmRequestLog.ArmRequest> puts = fake.armRequests().stream()
                .filter(r -> r.method().equals("PUT") && r.path().endsWith("/" + snapshot.name())).toList();
        assertThat(puts).hasSize(2);
        ArmRequestLog.ArmRequest throttled = puts.get(0);
        ArmRequestLog.ArmRequest retried = puts.get(1);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(retried.status()).isEqualTo(200);
        Duration retryAfter = Duration.ofSeconds(Long.parseLong(throttled.retryAfter()));
        assertThat(Duration.between(throttled.arrived(), retried.arrived())).isGreaterThanOrEqualTo(retryAfter);
    }

    @Test
    void anEnhancedCopyMovesFasterThanAStandardOneAndSaysItIsEnhanced() {
        fake.computeApi().copyStartBandwidth(64 * KIB);
        Subscription subscription = Subscription.withoutRetries();
        Snapshot standardSource = subscription.snapshotOfWrittenDisk(EAST, 256 * KIB);
        Snapshot enhancedSource = subscription.snapshotOfWrittenDisk(EAST, 256 * KIB);

        Snapshot standard = subscription.copyStart(standardSource, WEST);
        Snapshot enhanced = subscription.enhancedCopyStart(enhancedSource, WEST);
        Snapshot enhancedDone = subscription.awaitCopy(enhanced);
        Snapshot standardMeanwhile = subscription.compute.snapshots().getById(standard.id());

        assertThat(enhancedDone.copyCompletionPercent()).isEqualTo(100f);
        assertThat(standardMeanwhile.copyCompletionPercent()).isLessThan(100f);
        assertThat(enhancedDone.innerModel().creationData().provisionedBandwidthCopySpeed())
                .isEqualTo(ProvisionedBandwidthCopyOption.ENHANCED);
        assertThat(standardMeanwhile.innerModel().creationData().provisionedBandwidthCopySpeed()).isNull();
    }

    // ---- Compute's own policies ------------------------------------------------------------------

    @Test
    void diskAndSnapshotWritesNameWhatIsLeftUnderComputesPolicies() {
        Subscription subscription = Subscription.withoutRetries();

        Disk disk = subscription.newDisk(EAST);
        Snapshot snapshot = subscription.snapshotOf(disk);
        subscription.compute.snapshots().deleteById(snapshot.id());

        assertThat(subscription.responses.to("PUT", disk.name()).get(0).header("x-ms-ratelimit-remaining-resource"))
                .matches(policies("CreateUpdateDisks"));
        assertThat(subscription.responses.to("PUT", snapshot.name()).get(0).header("x-ms-ratelimit-remaining-resource"))
                .matches(policies("CreateUpdateDisks"));
        assertThat(subscription.responses.to("DELETE", snapshot.name()).get(0).header("x-ms-ratelimit-remaining-resource"))
                .matches(policies("DeleteDisks"));
    }

    @Test
    void aWriteToAnEmptyComputeWindowIsRefusedAsComputeRefusesIt() {
        fake.computeApi().computeRateLimits(2, 100);
        Subscription subscription = Subscription.withoutRetries();
        Disk disk = subscription.newDisk(EAST);
        Snapshot first = subscription.snapshotOf(disk);

        ManagementException refused = catchThrowableOfType(() -> subscription.snapshotOf(disk), ManagementException.class);

        assertThat(refused.getResponse().getStatusCode()).isEqualTo(429);
        assertThat(refused.getValue().getCode()).isEqualTo("OperationNotAllowed");
        assertThat(refused.getValue().getMessage()).contains("Microsoft.Compute/CreateUpdateDisks3Min");
        assertThat(refused.getResponse().getHeaderValue("x-ms-ratelimit-remaining-resource"))
                .startsWith("Microsoft.Compute/CreateUpdateDisks3Min;0,");
        // One token of two comes back every 90 s.
        assertThat(Long.parseLong(refused.getResponse().getHeaderValue("Retry-After"))).isBetween(80L, 90L);
        // Deletes count under a policy of their own, still full.
        subscription.compute.snapshots().deleteById(first.id());
        assertThat(fake.compute().snapshot(ResourceKey.parse(first.id()))).isEmpty();
    }

    /** Compute's header for one policy family: what is left of 1000 over 3 minutes and of 8000 over 30. */
    private static String policies(String family) {
        return "Microsoft\\.Compute/" + family + "3Min;(\\d{1,3}),Microsoft\\.Compute/" + family + "30Min;([1-7]?\\d{1,3})";
    }

    // ---- snapshots of one disk -------------------------------------------------------------------

    @Test
    void theEighthIncrementalSnapshotOfADiskWithinFiveMinutesIsRefused() {
        Subscription subscription = Subscription.withoutRetries();
        Disk disk = subscription.newDisk(EAST);
        for (int i = 0; i < 7; i++) {
            subscription.snapshotOf(disk);
        }

        ManagementException refused = catchThrowableOfType(() -> subscription.snapshotOf(disk), ManagementException.class);

        assertThat(refused.getResponse().getStatusCode()).isEqualTo(409);
        assertThat(refused.getValue().getCode()).isEqualTo("OperationNotAllowed");
        assertThat(refused.getValue().getMessage()).contains("at most 7 may be taken of one disk");
        assertThat(subscription.snapshotOf(subscription.newDisk(EAST)).incremental()).isTrue();
    }

    @Test
    void aRefusedSnapshotIsAllowedOnceTheOldestLeavesTheWindow() {
        fake.compute().snapshotsPerDiskLimit(2, Duration.ofSeconds(1));
        Subscription subscription = Subscription.withoutRetries();
        Disk disk = subscription.newDisk(EAST);
        Snapshot oldest = subscription.snapshotOf(disk);
        subscription.snapshotOf(disk);
        assertThat(catchThrowableOfType(() -> subscription.snapshotOf(disk), ManagementException.class)).isNotNull();

        Snapshot next = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (next == null && System.nanoTime() < deadline) {
            try {
                next = subscription.snapshotOf(disk);
            } catch (ManagementException stillInTheWindow) {
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        }

        assertThat(next).isNotNull();
        // The fake counts a snapshot a moment before it stamps timeCreated, hence a little less than the window.
        assertThat(Duration.between(oldest.innerModel().timeCreated(), next.innerModel().timeCreated()))
                .isGreaterThan(Duration.ofMillis(950));
    }

    // ---- CopyStart ------------------------------------------------------------------------------

    @Test
    void aCopyStartPastTheLimitOfItsSubscriptionAndTargetRegionIsRefusedUntilACopyCompletes() {
        fake.compute().copyStartLimit(2);
        fake.computeApi().copyStartBandwidth(KIB);
        Subscription subscription = Subscription.withoutRetries();
        Snapshot first = subscription.snapshotOfWrittenDisk(EAST, 64 * KIB);
        Snapshot second = subscription.snapshotOfWrittenDisk(EAST, 64 * KIB);
        Snapshot third = subscription.snapshotOfWrittenDisk(EAST, 64 * KIB);
        Subscription other = Subscription.withoutRetries();

        Snapshot firstCopy = subscription.copyStart(first, WEST);
        Snapshot secondCopy = subscription.copyStart(second, WEST);
        ManagementException refused = catchThrowableOfType(() -> subscription.copyStart(third, WEST), ManagementException.class);
        Snapshot elsewhere = subscription.copyStart(third, CENTRAL);
        Snapshot otherSubscriptions = other.copyStart(other.snapshotOfWrittenDisk(EAST, 64 * KIB), WEST);

        assertThat(refused.getResponse().getStatusCode()).isEqualTo(409);
        assertThat(refused.getValue().getCode()).isEqualTo("OperationNotAllowed");
        assertThat(refused.getValue().getMessage()).contains("2 incremental snapshot copies in progress to region 'westus'");
        assertThat(elsewhere.copyCompletionPercent()).isLessThan(100f);
        assertThat(otherSubscriptions.copyCompletionPercent()).isLessThan(100f);

        fake.computeApi().copyStartBandwidth(256L << 20);
        assertThat(subscription.awaitCopy(firstCopy).copyCompletionPercent()).isEqualTo(100f);
        assertThat(subscription.awaitCopy(secondCopy).copyCompletionPercent()).isEqualTo(100f);
        // the third disk's copy to another region must end too: one copy per disk at a time
        assertThat(subscription.awaitCopy(elsewhere).copyCompletionPercent()).isEqualTo(100f);
        assertThat(subscription.copyStart(third, WEST).id()).isNotBlank();
    }

    // ---- a subscription of the test's own, and what its SDK saw ----------------------------------

    /** A credential of its own, with its own token cache. */
    private static ClientSecretCredential credential() {
        return new ClientSecretCredentialBuilder()
                .tenantId(AzureFake.TENANT_ID).clientId(AzureFake.CLIENT_ID).clientSecret(AzureFake.CLIENT_SECRET)
                .authorityHost(fake.endpoint()).disableInstanceDiscovery().build();
    }

    /** A subscription with a resource group per region, and a ComputeManager that records every answer it gets. */
    private record Subscription(String id, ComputeManager compute, Responses responses) {

        static Subscription withoutRetries() {
            return create(new RetryOptions(new FixedDelayOptions(0, Duration.ZERO)));
        }

        static Subscription withTheSdksDefaultRetries() {
            return create(null);
        }

        private static Subscription create(RetryOptions retries) {
            String id = UUID.randomUUID().toString();
            REGIONS.forEach((group, region) -> fake.compute().createResourceGroup(id, group, region));
            Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
            endpoints.put("resourceManagerEndpointUrl", fake.endpoint());
            endpoints.put("managementEndpointUrl", fake.endpoint());
            endpoints.put("activeDirectoryEndpointUrl", fake.endpoint());
            Responses responses = new Responses();
            ComputeManager.Configurable configurable = ComputeManager.configure().withPolicy(responses);
            if (retries != null) {
                configurable = configurable.withRetryOptions(retries);
            }
            AzureProfile profile = new AzureProfile(AzureFake.TENANT_ID, id, new AzureEnvironment(endpoints));
            return new Subscription(id, configurable.authenticate(credential(), profile), responses);
        }

        /** A 1 GiB disk in {@code group}. */
        Disk newDisk(String group) {
            return compute.disks().define("disk-" + UUID.randomUUID()).withRegion(REGIONS.get(group))
                    .withExistingResourceGroup(group).withData().withSizeInGB(1).create();
        }

        /** A 1 GiB disk in {@code group} with {@code bytes} written at its start, and an incremental snapshot of it. */
        Snapshot snapshotOfWrittenDisk(String group, long bytes) {
            Disk disk = newDisk(group);
            fake.compute().disk(ResourceKey.parse(disk.id())).orElseThrow().content().write(0, new byte[(int) bytes]);
            return snapshotOf(disk);
        }

        Snapshot snapshotOf(Disk disk) {
            return compute.snapshots().define("snap-" + UUID.randomUUID()).withRegion(disk.regionName())
                    .withExistingResourceGroup(disk.resourceGroupName()).withDataFromDisk(disk).withIncremental(true).create();
        }

        /** Starts Azure's copy of {@code source} into {@code group}'s region. */
        Snapshot copyStart(Snapshot source, String group) {
            return compute.snapshots().define("copy-" + UUID.randomUUID()).withRegion(REGIONS.get(group))
                    .withExistingResourceGroup(group).withDataFromSnapshot(source).withCopyStart().create();
        }

        /** Starts Azure's copy with {@code provisionedBandwidthCopySpeed: Enhanced}, through the inner client. */
        Snapshot enhancedCopyStart(Snapshot source, String group) {
            SnapshotInner copy = compute.serviceClient().getSnapshots().createOrUpdate(group, "enhanced-" + UUID.randomUUID(),
                    new SnapshotInner().withLocation(REGIONS.get(group)).withIncremental(true)
                            .withCreationData(new CreationData().withCreateOption(DiskCreateOption.COPY_START)
                                    .withSourceResourceId(source.id())
                                    .withProvisionedBandwidthCopySpeed(ProvisionedBandwidthCopyOption.ENHANCED)));
            return compute.snapshots().getById(copy.id());
        }

        /** Polls a copy until it completes or fails, for at most 30 s. */
        Snapshot awaitCopy(Snapshot copy) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Snapshot current = compute.snapshots().getById(copy.id());
            while (current.copyCompletionError() == null && !Float.valueOf(100).equals(current.copyCompletionPercent())
                    && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                current = compute.snapshots().getById(copy.id());
            }
            return current;
        }
    }

    /** One answer the SDK received: its request's method and path, its status and headers. */
    private record Recorded(String method, String path, int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A pipeline policy that keeps every answer, each retry's included. */
    private static final class Responses implements HttpPipelinePolicy {
        private final List<Recorded> recorded = new CopyOnWriteArrayList<>();

        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            return next.process().doOnNext(response -> {
                Map<String, String> headers = new HashMap<>();
                response.getHeaders().forEach(h -> headers.put(h.getName().toLowerCase(java.util.Locale.ROOT), h.getValue()));
                recorded.add(new Recorded(response.getRequest().getHttpMethod().name(),
                        response.getRequest().getUrl().getPath(), response.getStatusCode(), headers));
            });
        }

        List<Recorded> all() {
            return List.copyOf(recorded);
        }

        /** The answers to {@code method} requests on the resource named {@code name}. */
        List<Recorded> to(String method, String name) {
            return recorded.stream().filter(r -> r.method().equals(method) && r.path().endsWith("/" + name)).toList();
        }
    }
}
