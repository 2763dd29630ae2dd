package dev.ferry.importer;

import dev.ferry.support.azure.AzureCallFailed;
import java.time.Instant;
import java.util.List;

/** The VHD blobs in the region-B staging accounts, and the catalog beside them, as far as the import needs them. */
public interface StagingBlobs {

    /** A blob as listed: its URL, its name in its container, when it was last written. */
    record ListedBlob(String url, String name, Instant lastModified) {
    }

    /**
     * The blobs of a container of a staging account whose names start with {@code prefix}; none if
     * the container does not exist.
     *
     * @throws AzureCallFailed if the storage account refuses
     */
    List<ListedBlob> list(String accountName, String container, String prefix);

    /**
     * Deletes a VHD blob; a blob already gone is success.
     *
     * @param accountName the configured staging account it belongs to
     * @return whether the blob existed
     * @throws AzureCallFailed if the storage account refuses
     */
    boolean delete(String accountName, String blobUrl);
}
