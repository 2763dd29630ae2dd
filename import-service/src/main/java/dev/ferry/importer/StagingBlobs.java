package dev.ferry.importer;

import dev.ferry.support.azure.AzureCallFailed;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The VHD blobs in the region-B staging accounts, the replicas export-service keeps there and the
 * catalog beside them, as far as the import and the sweeper need them.
 */
public interface StagingBlobs {

    /**
     * A blob as listed: its URL, its name in its container, when it was last written (data or
     * metadata), its ETag and its metadata (empty when it has none).
     */
    record ListedBlob(String url, String name, Instant lastModified, String etag, Map<String, String> metadata) {

        public ListedBlob {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }

    /** What {@link #deleteIfUnchanged} did. */
    enum Deletion {
        /** The blob was as listed and is deleted. */
        DELETED,
        /** The blob was gone already. */
        ALREADY_GONE,
        /** The blob was written since it was listed (its ETag moved on) and is left alone. */
        CHANGED
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

    /**
     * Deletes a blob only if it is still as listed ({@code If-Match} its ETag), so a blob someone
     * wrote meanwhile stays.
     *
     * @param accountName the configured staging account it belongs to
     * @throws AzureCallFailed if the storage account refuses
     */
    Deletion deleteIfUnchanged(String accountName, String blobUrl, String etag);

    /**
     * The blob's name, ETag and metadata, or empty when it does not exist.
     *
     * @throws AzureCallFailed if the storage account refuses
     */
    java.util.Optional<ListedBlob> properties(String accountName, String blobUrl);

    /**
     * Replaces the blob's metadata if it is still as read ({@code If-Match} its ETag).
     *
     * @return false when the blob was written meanwhile (or is gone), and nothing was changed
     * @throws AzureCallFailed if the storage account refuses
     */
    boolean setMetadataIfUnchanged(String accountName, String blobUrl, Map<String, String> metadata, String etag);
}
