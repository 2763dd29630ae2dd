package dev.ferry.localcloud.azure.compute;

/**
 * A storage account known to the fake's Resource Manager: its id, its region, and the blob
 * endpoint and connection string of the Azurite account behind it.
 */
public record StorageAccount(ResourceKey key, String region, String blobEndpoint, String connectionString) {

    public String id() {
        return key.id();
    }

    public String name() {
        return key.name();
    }

    @Override
    public String toString() {
        // Never print the connection string: it holds the account key.
        return "StorageAccount[" + key.id() + " in " + region + " at " + blobEndpoint + "]";
    }
}
