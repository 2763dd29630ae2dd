package dev.ferry.localcloud;

import dev.ferry.localcloud.azure.AzureFake;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.StorageAccount;
import dev.ferry.localcloud.azure.storage.StorageFront;
import dev.ferry.localcloud.azurite.Azurite;
import dev.ferry.localcloud.csi.CsiSimulator;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every stand-in of a two-region Azure setup, started and seeded together: Azurite behind the
 * storage front, the Azure fake, and a source and a DR Kubernetes cluster with their CSI
 * simulators. The layout is AKS's: each cluster's disks and snapshots live in its node resource
 * group; region B has Ferry's DR resource group and a staging storage account.
 */
public final class LocalCloud implements AutoCloseable {

    public static final String SUBSCRIPTION_ID = "6f1c3a52-8d4e-4b7a-9c1e-2a5b7d9e0f11";
    public static final String SOURCE_REGION = "eastus";
    public static final String DR_REGION = "westus";
    /** The source cluster's node resource group (its disks and snapshots), region A. */
    public static final String SOURCE_NODE_GROUP = "mc_ferry_source_eastus";
    /** The DR cluster's node resource group, region B. */
    public static final String DR_NODE_GROUP = "mc_ferry_dr_westus";
    /** Ferry's DR resource group: region-B snapshots, region B. */
    public static final String DR_GROUP = "ferry-dr-westus";
    /** The staging (and catalog) storage account in region B. */
    public static final String DR_STAGING_ACCOUNT = "ferrystagingwestus";
    /** A storage account in region A, which an Import into region B must refuse. */
    public static final String SOURCE_STAGING_ACCOUNT = "ferrystagingeastus";
    /** The storage class and snapshot class that AKS provides for the Azure disk CSI driver. */
    public static final String STORAGE_CLASS = "managed-csi";
    public static final String SNAPSHOT_CLASS = "csi-azuredisk-vsc";

    private final List<AutoCloseable> started;
    private final Azurite azurite;
    private final StorageFront storage;
    private final AzureFake azure;
    private final KubeCluster source;
    private final KubeCluster dr;
    private final CsiSimulator drCsi;

    private LocalCloud(List<AutoCloseable> started, Azurite azurite, StorageFront storage, AzureFake azure,
                       KubeCluster source, KubeCluster dr, CsiSimulator drCsi) {
        this.started = started;
        this.azurite = azurite;
        this.storage = storage;
        this.azure = azure;
        this.source = source;
        this.dr = dr;
        this.drCsi = drCsi;
    }

    /** Starts and seeds everything; stops what it started if any part fails. */
    public static LocalCloud start() {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Azurite azurite = remember(started, Azurite.builder().account(DR_STAGING_ACCOUNT).account(SOURCE_STAGING_ACCOUNT).start());
            AzureFake azure = remember(started, AzureFake.start());
            StorageFront storage = remember(started, StorageFront.builder(azurite)
                    .trustStore(azure.trustStore(), azure.trustStorePassword()).faults(azure.faults()).start());
            ComputeState compute = azure.compute();
            compute.createResourceGroup(SUBSCRIPTION_ID, SOURCE_NODE_GROUP, SOURCE_REGION);
            compute.createResourceGroup(SUBSCRIPTION_ID, DR_NODE_GROUP, DR_REGION);
            compute.createResourceGroup(SUBSCRIPTION_ID, DR_GROUP, DR_REGION);
            compute.registerStorageAccount(SUBSCRIPTION_ID, DR_GROUP, DR_STAGING_ACCOUNT, DR_REGION,
                    storage.blobEndpoint(DR_STAGING_ACCOUNT), storage.connectionString(DR_STAGING_ACCOUNT));
            compute.registerStorageAccount(SUBSCRIPTION_ID, SOURCE_NODE_GROUP, SOURCE_STAGING_ACCOUNT, SOURCE_REGION,
                    storage.blobEndpoint(SOURCE_STAGING_ACCOUNT), storage.connectionString(SOURCE_STAGING_ACCOUNT));
            KubeCluster source = remember(started, KubeCluster.start(KubeCluster.Role.SOURCE));
            KubeCluster dr = remember(started, KubeCluster.start(KubeCluster.Role.DR));
            for (KubeCluster cluster : List.of(source, dr)) {
                seedClasses(cluster.client());
            }
            remember(started, CsiSimulator.start(source, compute, SUBSCRIPTION_ID, SOURCE_NODE_GROUP, SOURCE_REGION));
            CsiSimulator drCsi = remember(started, CsiSimulator.start(dr, compute, SUBSCRIPTION_ID, DR_NODE_GROUP, DR_REGION));
            return new LocalCloud(started, azurite, storage, azure, source, dr, drCsi);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T remember(List<AutoCloseable> started, T part) {
        started.add(part);
        return part;
    }

    /** The default storage class and snapshot class of an AKS cluster for the Azure disk CSI driver. */
    private static void seedClasses(KubernetesClient client) {
        client.storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata().withName(STORAGE_CLASS)
                .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
                .withProvisioner(CsiSimulator.DRIVER).withReclaimPolicy("Delete").withVolumeBindingMode("Immediate")
                .withAllowVolumeExpansion(true).addToParameters("skuName", "StandardSSD_LRS").build()).create();
        GenericKubernetesResource snapshotClass = new GenericKubernetesResourceBuilder()
                .withApiVersion(KubeCluster.SNAPSHOT_GROUP + "/v1").withKind("VolumeSnapshotClass")
                .withNewMetadata().withName(SNAPSHOT_CLASS)
                .addToAnnotations("snapshot.storage.kubernetes.io/is-default-class", "true").endMetadata()
                .withAdditionalProperties(Map.of("driver", CsiSimulator.DRIVER, "deletionPolicy", "Delete",
                        "parameters", Map.of("incremental", "true")))
                .build();
        client.genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOT_CLASSES).resource(snapshotClass).create();
    }

    public Azurite azurite() {
        return azurite;
    }

    /** The storage front before Azurite: the blob endpoint of every storage account. */
    public StorageFront storage() {
        return storage;
    }

    public AzureFake azure() {
        return azure;
    }

    public KubeCluster sourceCluster() {
        return source;
    }

    public KubeCluster drCluster() {
        return dr;
    }

    /** The DR cluster's CSI simulator, whose claims a test may hold Pending ({@link CsiSimulator#holdClaims}). */
    public CsiSimulator drCsi() {
        return drCsi;
    }

    /**
     * The settings that point a Ferry service at this cloud, in the keys every service shares:
     * {@code ferry.azure.*} for the Azure endpoint and credential, {@code ferry.staging-accounts.<name>.*}
     * for the region-B staging account.
     */
    public Map<String, String> serviceSettings() {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("ferry.azure.resource-manager-endpoint", azure.endpoint());
        config.put("ferry.azure.authority-host", azure.endpoint());
        config.put("ferry.azure.disable-instance-discovery", "true");
        config.put("ferry.azure.tenant-id", AzureFake.TENANT_ID);
        config.put("ferry.azure.client-id", AzureFake.CLIENT_ID);
        config.put("ferry.azure.client-secret", AzureFake.CLIENT_SECRET);
        config.put("ferry.azure.subscription-id", SUBSCRIPTION_ID);
        String account = "ferry.staging-accounts." + DR_STAGING_ACCOUNT;
        config.put(account + ".id", drStagingAccount().id());
        config.put(account + ".region", DR_REGION);
        config.put(account + ".blob-endpoint", storage.blobEndpoint(DR_STAGING_ACCOUNT));
        config.put(account + ".connection-string", storage.connectionString(DR_STAGING_ACCOUNT));
        return config;
    }

    /**
     * The settings that point a service's Quarkus Kubernetes client at one of the clusters. The mock's
     * certificate is self-signed for "localhost", so the client trusts it rather than pinning its CA.
     */
    public static Map<String, String> kubernetesClientSettings(KubeCluster cluster) {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("quarkus.kubernetes-client.api-server-url", cluster.masterUrl());
        config.put("quarkus.kubernetes-client.trust-certs", "true");
        config.put("quarkus.kubernetes-client.token", "ferry-local-" + cluster.role().contextName());
        return config;
    }

    /** The region-B staging account as the Resource Manager knows it. */
    public StorageAccount drStagingAccount() {
        return azure.compute().storageAccount(SUBSCRIPTION_ID, DR_GROUP, DR_STAGING_ACCOUNT);
    }

    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        List<AutoCloseable> reversed = new ArrayList<>(parts);
        Collections.reverse(reversed);
        for (AutoCloseable part : reversed) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("local-cloud: could not stop " + part.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
