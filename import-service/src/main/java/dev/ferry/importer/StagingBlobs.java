package dev.ferry.importer;

/** The VHD blobs in the region-B staging accounts, as far as the import needs them. */
public interface StagingBlobs {

    /**
     * Deletes a VHD blob; a blob already gone is success.
     *
     * @param accountName the configured staging account it belongs to
     * @return whether the blob existed
     * @throws AzureCallFailed if the storage account refuses
     */
    boolean delete(String accountName, String blobUrl);
}
