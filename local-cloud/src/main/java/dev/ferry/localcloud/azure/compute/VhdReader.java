package dev.ferry.localcloud.azure.compute;

/**
 * Reads a page blob for an Import: the fake's Compute side reaching into a storage account, as
 * Azure's disk service does. Implemented over the storage stand-in.
 */
public interface VhdReader {

    /** The blob's length, its written content (without the last 512 bytes) and its last 512 bytes. */
    record Vhd(long blobBytes, SparseContent data, byte[] footer) {
    }

    /**
     * Reads the page blob at {@code blobUrl} in the given account.
     *
     * @throws ArmError if the blob does not exist or is not a page blob
     */
    Vhd read(StorageAccount account, String blobUrl);
}
