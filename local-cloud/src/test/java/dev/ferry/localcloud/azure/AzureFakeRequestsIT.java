package dev.ferry.localcloud.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.models.SnapshotInner;
import com.azure.resourcemanager.compute.models.AccessLevel;
import com.azure.resourcemanager.compute.models.CreationData;
import com.azure.resourcemanager.compute.models.Disk;
import com.azure.resourcemanager.compute.models.DiskCreateOption;
import com.azure.resourcemanager.compute.models.DiskSkuTypes;
import com.azure.resourcemanager.compute.models.DiskStorageAccountTypes;
import com.azure.resourcemanager.compute.models.FileFormat;
import com.azure.resourcemanager.compute.models.GrantAccessData;
import com.azure.resourcemanager.compute.models.ProvisionedBandwidthCopyOption;
import com.azure.resourcemanager.compute.models.Snapshot;
import com.azure.resourcemanager.compute.models.SnapshotSku;
import com.azure.resourcemanager.compute.models.SnapshotSkuType;
import com.azure.resourcemanager.compute.models.SnapshotStorageAccountTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.localcloud.azure.compute.ResourceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the fake answers a request as Azure answers it, through the production SDK and, for what the SDK never sends,
 * through the SDK's own HTTP pipeline (token included): requests refused at the edge, a PUT repeated, long lists.
 */
class AzureFakeRequestsIT {

    private static final String SUBSCRIPTION = "0c1d2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5";
    private static final String EAST = "requests-eastus";
    private static final String WEST = "requests-westus";
    private static final String SDK_API_VERSION = "2025-01-02";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AzureFake fake;
    private static ComputeManager compute;
    private static final Set<String> apiVersionsSent = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        fake = AzureFake.start();
        fake.tls().trustInThisJvm();
        fake.compute().createResourceGroup(SUBSCRIPTION, EAST, "eastus");
        fake.compute().createResourceGroup(SUBSCRIPTION, WEST, "westus");
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", fake.endpoint());
        endpoints.put("managementEndpointUrl", fake.endpoint());
        endpoints.put("activeDirectoryEndpointUrl", fake.endpoint());
        HttpPipelinePolicy apiVersions = (HttpPipelineCallContext context, HttpPipelineNextPolicy next) -> {
            String query = context.getHttpRequest().getUrl().getQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("api-version=")) {
                    apiVersionsSent.add(pair.substring("api-version=".length()));
                }
            }
            return next.process();
        };
        compute = ComputeManager.configure().withPolicy(apiVersions)
                .withRetryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ZERO)))
                .authenticate(new ClientSecretCredentialBuilder().tenantId(AzureFake.TENANT_ID).clientId(AzureFake.CLIENT_ID)
                                .clientSecret(AzureFake.CLIENT_SECRET).authorityHost(fake.endpoint())
                                .disableInstanceDiscovery().build(),
                        new AzureProfile(AzureFake.TENANT_ID, SUBSCRIPTION, new AzureEnvironment(endpoints)));
    }

    @AfterAll
    static void stop() {
        if (fake != null) {
            fake.close();
        }
    }

    // ---- api-version ---------------------------------------------------------------------------------------------

    @Test
    void aRequestWithoutAnApiVersionIsRefusedAsMissingIt() {
        Answer answer = send(HttpMethod.GET, snapshots(EAST), null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("MissingApiVersionParameter");
        assertThat(answer.message()).isEqualTo("The api-version query parameter (?api-version=) is required for all requests.");
    }

    @Test
    void anApiVersionThatIsNoVersionIsInvalid() {
        Answer answer = send(HttpMethod.GET, snapshots(EAST) + "?api-version=latest", null);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("InvalidApiVersionParameter");
        assertThat(answer.message()).startsWith("The api-version 'latest' is invalid. The supported versions are '")
                .contains(SDK_API_VERSION);
    }

    @Test
    void aVersionTheDiskProviderDoesNotServeFindsNoRegisteredProvider() {
        Answer unknown = send(HttpMethod.GET, snapshots(EAST) + "?api-version=2099-01-01", null);
        Answer older = send(HttpMethod.GET, snapshots(EAST) + "?api-version=2024-03-02", null);

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("NoRegisteredProviderFound");
        assertThat(unknown.message()).startsWith("No registered resource provider found for location 'eastus' and API version"
                + " '2099-01-01' for type 'snapshots'. The supported api-versions are '").contains(SDK_API_VERSION);
        assertThat(older.status()).isEqualTo(200);
    }

    @Test
    void theVersionTheJavaSdkSendsIsServed() {
        apiVersionsSent.clear();
        Disk disk = newDisk(EAST, 1);
        compute.disks().getById(disk.id());
        compute.snapshots().listByResourceGroup(EAST).stream().count();

        assertThat(apiVersionsSent).contains(SDK_API_VERSION).allSatisfy(version -> assertThat(version).isEqualTo(SDK_API_VERSION));
    }

    // ---- the body ------------------------------------------------------------------------------------------------

    @Test
    void aBodyThatIsNotJsonIsInvalidRequestContentNotAServerError() {
        Answer answer = send(HttpMethod.PUT, disk(EAST, "broken-" + UUID.randomUUID()) + apiVersion(), "{\"location\": \"eastus\", ");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("InvalidRequestContent");
        assertThat(answer.message()).startsWith("The request content was invalid and could not be deserialized: ");
    }

    @Test
    void aStringWhereANumberBelongsIsInvalidRequestFormatNamingThePath() {
        String name = "mistyped-" + UUID.randomUUID();
        Answer answer = send(HttpMethod.PUT, disk(EAST, name) + apiVersion(),
                "{\"location\": \"eastus\", \"properties\": {\"creationData\": {\"createOption\": \"Empty\"}, \"diskSizeGB\": \"big\"}}");
        Answer quoted = send(HttpMethod.PUT, disk(EAST, "quoted-" + UUID.randomUUID()) + apiVersion(),
                "{\"location\": \"eastus\", \"properties\": {\"creationData\": {\"createOption\": \"Empty\"}, \"diskSizeGB\": \"1\"}}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("InvalidRequestFormat");
        assertThat(answer.message()).isEqualTo("Cannot parse the request.");
        assertThat(answer.body().path("error").path("details").path(0).path("code").asText()).isEqualTo("InvalidJson");
        assertThat(answer.body().path("error").path("details").path(0).path("message").asText())
                .contains("big").contains("Path 'properties.diskSizeGB'");
        assertThat(fake.compute().disk(ResourceKey.disk(SUBSCRIPTION, EAST, name))).isEmpty();
        // Azure's reader takes a number in quotes, as Newtonsoft does.
        assertThat(quoted.status()).isEqualTo(200);
    }

    @Test
    void aSourceOfTheWrongTypeIsABadRequestNotANotFound() {
        Answer object = send(HttpMethod.PUT, snapshot(EAST, "object-source-" + UUID.randomUUID()) + apiVersion(),
                "{\"location\": \"eastus\", \"properties\": {\"creationData\": {\"createOption\": \"Copy\","
                        + " \"sourceResourceId\": {\"id\": \"x\"}}}}");
        Answer notAnId = send(HttpMethod.PUT, snapshot(EAST, "name-source-" + UUID.randomUUID()) + apiVersion(),
                "{\"location\": \"eastus\", \"properties\": {\"creationData\": {\"createOption\": \"Copy\","
                        + " \"sourceResourceId\": \"my-disk\"}}}");
        Answer tags = send(HttpMethod.PUT, snapshot(EAST, "list-tags-" + UUID.randomUUID()) + apiVersion(),
                "{\"location\": \"eastus\", \"tags\": [\"a\"], \"properties\": {\"creationData\": {\"createOption\": \"Copy\"}}}");

        assertThat(object.status()).isEqualTo(400);
        assertThat(object.code()).isEqualTo("InvalidRequestFormat");
        assertThat(notAnId.status()).isEqualTo(400);
        assertThat(notAnId.code()).isEqualTo("LinkedInvalidPropertyId");
        assertThat(notAnId.message()).startsWith("Property id 'my-disk' at path 'properties.creationData.sourceResourceId' is invalid.");
        assertThat(tags.status()).isEqualTo(400);
        assertThat(tags.code()).isEqualTo("InvalidRequestContent");
    }

    @Test
    void anUnknownSkuIsRefusedAndAKnownOneIsAnsweredInComputesSpelling() {
        Disk source = newDisk(EAST, 1);
        ManagementException snapshotSku = catchThrowableOfType(() -> compute.snapshots().define("sku-" + UUID.randomUUID())
                .withRegion("eastus").withExistingResourceGroup(EAST).withDataFromDisk(source)
                .withSku(SnapshotSkuType.fromStorageAccountType(SnapshotStorageAccountTypes.fromString("Turbo_LRS"))).create(),
                ManagementException.class);
        ManagementException diskSku = catchThrowableOfType(() -> compute.disks().define("sku-" + UUID.randomUUID())
                .withRegion("eastus").withExistingResourceGroup(EAST).withData().withSizeInGB(1)
                .withSku(DiskSkuTypes.fromStorageAccountType(DiskStorageAccountTypes.fromString("Standard_ZRS"))).create(),
                ManagementException.class);
        Snapshot premium = compute.snapshots().define("premium-" + UUID.randomUUID()).withRegion("eastus")
                .withExistingResourceGroup(EAST).withDataFromDisk(source)
                .withSku(SnapshotSkuType.fromStorageAccountType(SnapshotStorageAccountTypes.fromString("premium_lrs"))).create();

        assertThat(snapshotSku.getResponse().getStatusCode()).isEqualTo(400);
        assertThat(snapshotSku.getValue().getCode()).isEqualTo("InvalidParameter");
        assertThat(snapshotSku.getValue().getTarget()).isEqualTo("sku");
        assertThat(snapshotSku.getValue().getMessage()).startsWith("SKU Turbo_LRS is not available");
        // Standard_ZRS is a snapshot SKU, not a disk one.
        assertThat(diskSku.getResponse().getStatusCode()).isEqualTo(400);
        assertThat(diskSku.getValue().getCode()).isEqualTo("InvalidParameter");
        assertThat(premium.skuType().accountType()).isEqualTo(SnapshotStorageAccountTypes.PREMIUM_LRS);
    }

    @Test
    void provisionedBandwidthCopySpeedIsKeptOnEveryCreateOptionAndAnUnknownOneIsRefused() {
        Disk source = newDisk(EAST, 1);
        SnapshotInner none = compute.serviceClient().getSnapshots().createOrUpdate(EAST, "speed-" + UUID.randomUUID(),
                copyOf(source).withCreationData(new CreationData().withCreateOption(DiskCreateOption.COPY)
                        .withSourceResourceId(source.id()).withProvisionedBandwidthCopySpeed(ProvisionedBandwidthCopyOption.NONE)));
        ManagementException turbo = catchThrowableOfType(() -> compute.serviceClient().getSnapshots().createOrUpdate(EAST,
                "turbo-" + UUID.randomUUID(), copyOf(source).withCreationData(new CreationData()
                        .withCreateOption(DiskCreateOption.COPY).withSourceResourceId(source.id())
                        .withProvisionedBandwidthCopySpeed(ProvisionedBandwidthCopyOption.fromString("Turbo")))),
                ManagementException.class);

        assertThat(none.creationData().provisionedBandwidthCopySpeed()).isEqualTo(ProvisionedBandwidthCopyOption.NONE);
        assertThat(compute.snapshots().getById(none.id()).innerModel().creationData().provisionedBandwidthCopySpeed())
                .isEqualTo(ProvisionedBandwidthCopyOption.NONE);
        assertThat(turbo.getResponse().getStatusCode()).isEqualTo(400);
        assertThat(turbo.getValue().getCode()).isEqualTo("InvalidParameter");
        assertThat(turbo.getValue().getTarget()).isEqualTo("properties.creationData.provisionedBandwidthCopySpeed");
    }

    @Test
    void aGrantInVhdFormatServesTheSnapshotAndVhdxOrAnUnknownFormatIsRefused() {
        Snapshot snapshot = snapshotOf(newDisk(EAST, 1));
        String vhd = compute.serviceClient().getSnapshots().grantAccess(EAST, snapshot.name(), grant(FileFormat.VHD)).accessSas();
        compute.snapshots().revokeAccess(EAST, snapshot.name());
        ManagementException vhdx = catchThrowableOfType(() -> compute.serviceClient().getSnapshots()
                .grantAccess(EAST, snapshot.name(), grant(FileFormat.VHDX)), ManagementException.class);
        ManagementException qcow = catchThrowableOfType(() -> compute.serviceClient().getSnapshots()
                .grantAccess(EAST, snapshot.name(), grant(FileFormat.fromString("QCOW2"))), ManagementException.class);

        assertThat(vhd).startsWith("https://127.0.0.1:");
        assertThat(vhdx.getValue().getCode()).isEqualTo("InvalidParameter");
        assertThat(vhdx.getValue().getTarget()).isEqualTo("fileFormat");
        assertThat(qcow.getResponse().getStatusCode()).isEqualTo(400);
        assertThat(qcow.getValue().getCode()).isEqualTo("InvalidParameter");
        assertThat(fake.compute().activeGrant(ResourceKey.parse(snapshot.id()))).isEmpty();
    }

    // ---- a PUT repeated ------------------------------------------------------------------------------------------

    @Test
    void aSecondIdenticalPutOfASnapshotAnswers200WithTheSnapshotAndTakesItsTags() {
        Disk source = newDisk(EAST, 1);
        String name = "twice-" + UUID.randomUUID();
        SnapshotInner first = compute.serviceClient().getSnapshots().createOrUpdate(EAST, name,
                incrementalCopyOf(source).withSku(new SnapshotSku().withName(SnapshotStorageAccountTypes.PREMIUM_LRS)));
        SnapshotInner second = compute.serviceClient().getSnapshots().createOrUpdate(EAST, name,
                incrementalCopyOf(source).withTags(Map.of("ferry.backupId", "b-1")));

        assertThat(lastPutTo(name).status()).isEqualTo(200);
        assertThat(second.uniqueId()).isEqualTo(first.uniqueId());
        assertThat(second.timeCreated()).isEqualTo(first.timeCreated());
        assertThat(second.provisioningState()).isEqualTo("Succeeded");
        assertThat(second.tags()).containsEntry("ferry.backupId", "b-1");
        // A PUT that names no SKU keeps the snapshot's own.
        assertThat(second.sku().name()).isEqualTo(SnapshotStorageAccountTypes.PREMIUM_LRS);
        assertThat(fake.compute().snapshots(SUBSCRIPTION, EAST).stream().filter(s -> s.key().name().equals(name))).hasSize(1);
    }

    @Test
    void aSecondPutWithAnotherSourceIsRefusedAsAChangeOfAProperty() {
        String name = "moved-source-" + UUID.randomUUID();
        compute.serviceClient().getSnapshots().createOrUpdate(EAST, name, incrementalCopyOf(newDisk(EAST, 1)));
        Disk other = newDisk(EAST, 1);

        ManagementException refused = catchThrowableOfType(() -> compute.serviceClient().getSnapshots()
                .createOrUpdate(EAST, name, incrementalCopyOf(other)), ManagementException.class);

        assertThat(refused.getResponse().getStatusCode()).isEqualTo(400);
        assertThat(refused.getValue().getCode()).isEqualTo("BadRequest");
        assertThat(refused.getValue().getMessage())
                .isEqualTo("Changing property 'sourceResourceId' is not allowed for existing disk '" + name + "'.");
    }

    @Test
    void aSecondPutInAnotherLocationIsInvalidResourceLocation() {
        String name = "elsewhere-" + UUID.randomUUID();
        compute.disks().define(name).withRegion("eastus").withExistingResourceGroup(EAST).withData().withSizeInGB(1).create();

        ManagementException refused = catchThrowableOfType(() -> compute.disks().define(name).withRegion("westus")
                .withExistingResourceGroup(EAST).withData().withSizeInGB(1).create(), ManagementException.class);

        assertThat(refused.getResponse().getStatusCode()).isEqualTo(409);
        assertThat(refused.getValue().getCode()).isEqualTo("InvalidResourceLocation");
        assertThat(refused.getValue().getMessage()).contains("already exists in location 'eastus'")
                .contains("cannot be created in location 'westus'");
    }

    @Test
    void aSecondIdenticalPutOfADiskAnswers200WithTheSameDisk() {
        String name = "disk-twice-" + UUID.randomUUID();
        Disk first = compute.disks().define(name).withRegion("eastus").withExistingResourceGroup(EAST).withData()
                .withSizeInGB(1).create();
        Disk second = compute.disks().define(name).withRegion("eastus").withExistingResourceGroup(EAST).withData()
                .withSizeInGB(1).create();

        assertThat(lastPutTo(name).status()).isEqualTo(200);
        assertThat(second.innerModel().uniqueId()).isEqualTo(first.innerModel().uniqueId());
    }

    @Test
    void aCopyStartPutAgainWhileItCopiesAnswers200InsteadOfRefusingASecondCopy() {
        Disk disk = newDisk(EAST, 1);
        fake.compute().disk(ResourceKey.parse(disk.id())).orElseThrow().content().write(0, new byte[256 * 1024]);
        Snapshot source = snapshotOf(disk);
        String name = "copy-twice-" + UUID.randomUUID();
        fake.computeApi().copyStartBandwidth(16 * 1024);
        try {
            SnapshotInner first = compute.serviceClient().getSnapshots().createOrUpdate(WEST, name, copyStartOf(source));
            SnapshotInner again = compute.serviceClient().getSnapshots().createOrUpdate(WEST, name, copyStartOf(source));

            assertThat(lastPutTo(name).status()).isEqualTo(200);
            assertThat(again.uniqueId()).isEqualTo(first.uniqueId());
            assertThat(again.completionPercent()).isLessThan(100f);
        } finally {
            fake.computeApi().copyStartBandwidth(256L << 20);
        }
    }

    // ---- identity and paging -------------------------------------------------------------------------------------

    @Test
    void incrementalSnapshotsOfADiskShareAFamilyIdOfTheirOwn() {
        Disk disk = newDisk(EAST, 1);
        Snapshot first = snapshotOf(disk);
        Snapshot second = snapshotOf(disk);
        Snapshot ofAnother = snapshotOf(newDisk(EAST, 1));

        String family = first.innerModel().incrementalSnapshotFamilyId();
        assertThat(family).isNotBlank().isEqualTo(second.innerModel().incrementalSnapshotFamilyId())
                .isNotEqualTo(ofAnother.innerModel().incrementalSnapshotFamilyId())
                .isNotEqualTo(compute.disks().getById(disk.id()).innerModel().uniqueId());
    }

    @Test
    void aLongListComesInPagesThatTheSdkFollowsToTheEnd() {
        String group = "paged-" + UUID.randomUUID();
        fake.compute().createResourceGroup(SUBSCRIPTION, group, "eastus");
        Disk disk = compute.disks().define("paged-disk").withRegion("eastus").withExistingResourceGroup(group).withData()
                .withSizeInGB(1).create();
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(compute.snapshots().define("paged-" + i).withRegion("eastus").withExistingResourceGroup(group)
                    .withDataFromDisk(disk).create().name());
        }
        fake.computeApi().listPageSize(2);
        try {
            Answer firstPage = send(HttpMethod.GET, snapshots(group) + apiVersion(), null);
            int listsBefore = listRequests(group);

            List<String> listed = compute.snapshots().listByResourceGroup(group).stream().map(Snapshot::name).toList();

            assertThat(firstPage.body().path("value")).hasSize(2);
            assertThat(firstPage.body().path("nextLink").asText()).startsWith(fake.endpoint() + "subscriptions/" + SUBSCRIPTION)
                    .contains("api-version=" + SDK_API_VERSION).contains("$skiptoken=");
            assertThat(listed).containsExactlyElementsOf(taken);
            assertThat(listRequests(group) - listsBefore).isEqualTo(3);
            assertThat(compute.disks().listByResourceGroup(group).stream().count()).isEqualTo(1);
        } finally {
            fake.computeApi().listPageSize(1000);
        }
    }

    // ---- canonical ids and locations -----------------------------------------------------------------------------

    @Test
    void anIdComesBackWithItsResourceGroupInCapitalsWhateverCasingTheRequestUsed() {
        String name = "disk-" + UUID.randomUUID();
        Answer put = send(HttpMethod.PUT, disk("Requests-EastUS", name) + apiVersion(),
                "{\"location\": \"eastus\", \"properties\": {\"creationData\": {\"createOption\": \"Empty\"}, \"diskSizeGB\": 1}}");
        assertThat(put.status()).isBetween(200, 202);

        String expected = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/REQUESTS-EASTUS/providers/Microsoft.Compute/disks/" + name;
        assertThat(send(HttpMethod.GET, disk("requests-eastus", name) + apiVersion(), null).body().path("id").asText())
                .isEqualTo(expected);
        assertThat(send(HttpMethod.GET, disk("REQUESTS-EASTUS", name) + apiVersion(), null).body().path("id").asText())
                .isEqualTo(expected);
        assertThat(compute.disks().getByResourceGroup(EAST, name).id()).isEqualTo(expected);
    }

    @Test
    void aDisplayNameAsLocationComesBackAsTheRegionsName() {
        String name = "disk-" + UUID.randomUUID();
        Answer put = send(HttpMethod.PUT, disk(WEST, name) + apiVersion(),
                "{\"location\": \"West US\", \"properties\": {\"creationData\": {\"createOption\": \"Empty\"}, \"diskSizeGB\": 1}}");
        assertThat(put.status()).isBetween(200, 202);

        assertThat(send(HttpMethod.GET, disk(WEST, name) + apiVersion(), null).body().path("location").asText()).isEqualTo("westus");
        // The same region by either name: a repeated PUT is the same resource, not one in another location.
        assertThat(send(HttpMethod.PUT, disk(WEST, name) + apiVersion(),
                "{\"location\": \"WestUS\", \"properties\": {\"creationData\": {\"createOption\": \"Empty\"}, \"diskSizeGB\": 1}}")
                .status()).isEqualTo(200);
    }

    @Test
    void aSourceResourceIdIsEchoedAsComputeWritesIdsWhateverCasingTheRequestUsed() {
        Disk disk = newDisk(EAST, 1);
        String name = "snap-" + UUID.randomUUID();
        String lowerCaseSource = disk.id().toLowerCase(java.util.Locale.ROOT);
        Answer put = send(HttpMethod.PUT, snapshot(EAST, name) + apiVersion(), "{\"location\": \"East US\", \"properties\": {\"creationData\":"
                + " {\"createOption\": \"Copy\", \"sourceResourceId\": \"" + lowerCaseSource + "\"}, \"incremental\": true}}");
        assertThat(put.status()).isBetween(200, 202);

        JsonNode snapshot = send(HttpMethod.GET, snapshot(EAST, name) + apiVersion(), null).body();
        assertThat(snapshot.path("properties").path("creationData").path("sourceResourceId").asText()).isEqualTo(disk.id())
                .contains("/resourceGroups/REQUESTS-EASTUS/");
        assertThat(snapshot.path("location").asText()).isEqualTo("eastus");
    }

    @Test
    void withCapitalsOffAnIdKeepsTheCasingItWasCreatedWith() {
        String name = "disk-" + UUID.randomUUID();
        fake.computeApi().upperCaseResourceGroupsInIds(false);
        try {
            send(HttpMethod.PUT, disk("Requests-EastUS", name) + apiVersion(),
                    "{\"location\": \"eastus\", \"properties\": {\"creationData\": {\"createOption\": \"Empty\"}, \"diskSizeGB\": 1}}");

            assertThat(send(HttpMethod.GET, disk(EAST, name) + apiVersion(), null).body().path("id").asText())
                    .isEqualTo("/subscriptions/" + SUBSCRIPTION + "/resourceGroups/Requests-EastUS/providers/Microsoft.Compute/disks/" + name);
        } finally {
            fake.computeApi().upperCaseResourceGroupsInIds(true);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static Disk newDisk(String group, int sizeGb) {
        return compute.disks().define("disk-" + UUID.randomUUID()).withRegion(group.endsWith("eastus") ? "eastus" : "westus")
                .withExistingResourceGroup(group).withData().withSizeInGB(sizeGb).create();
    }

    private static Snapshot snapshotOf(Disk disk) {
        return compute.snapshots().define("snap-" + UUID.randomUUID()).withRegion(disk.regionName())
                .withExistingResourceGroup(disk.resourceGroupName()).withDataFromDisk(disk).withIncremental(true).create();
    }

    private static SnapshotInner copyOf(Disk disk) {
        return new SnapshotInner().withLocation(disk.regionName());
    }

    private static SnapshotInner incrementalCopyOf(Disk disk) {
        return copyOf(disk).withIncremental(true).withCreationData(new CreationData().withCreateOption(DiskCreateOption.COPY)
                .withSourceResourceId(disk.id()));
    }

    private static SnapshotInner copyStartOf(Snapshot source) {
        return new SnapshotInner().withLocation("westus").withIncremental(true)
                .withCreationData(new CreationData().withCreateOption(DiskCreateOption.COPY_START)
                        .withSourceResourceId(source.id()));
    }

    private static GrantAccessData grant(FileFormat format) {
        return new GrantAccessData().withAccess(AccessLevel.READ).withDurationInSeconds(600).withFileFormat(format);
    }

    private static String apiVersion() {
        return "?api-version=" + SDK_API_VERSION;
    }

    private static String snapshots(String group) {
        return fake.endpoint() + "subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group + "/providers/Microsoft.Compute/snapshots";
    }

    private static String snapshot(String group, String name) {
        return snapshots(group) + "/" + name;
    }

    private static String disk(String group, String name) {
        return fake.endpoint() + "subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + group
                + "/providers/Microsoft.Compute/disks/" + name;
    }

    private static ArmRequestLog.ArmRequest lastPutTo(String name) {
        List<ArmRequestLog.ArmRequest> puts = fake.armRequests().stream()
                .filter(r -> r.method().equals("PUT") && r.path().endsWith("/" + name)).toList();
        return puts.get(puts.size() - 1);
    }

    private static int listRequests(String group) {
        return (int) fake.armRequests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith("/resourceGroups/" + group + "/providers/Microsoft.Compute/snapshots"))
                .count();
    }

    /** Sends a request through the Compute client's own pipeline, which adds the bearer token. */
    private static Answer send(HttpMethod method, String url, String body) {
        HttpRequest request = new HttpRequest(method, url);
        if (body != null) {
            request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(body);
        }
        try (HttpResponse response = compute.serviceClient().getHttpPipeline().send(request).block()) {
            String text = response.getBodyAsString().block();
            return new Answer(response.getStatusCode(), text == null || text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer's status and JSON body. */
    private record Answer(int status, JsonNode body) {
        String code() {
            return body.path("error").path("code").asText();
        }

        String message() {
            return body.path("error").path("message").asText();
        }
    }
}
