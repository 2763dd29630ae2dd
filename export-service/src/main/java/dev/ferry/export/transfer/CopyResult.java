package dev.ferry.export.transfer;

/**
 * What a copy did.
 *
 * @param bytesCopied  bytes written to the destination (each chunk once)
 * @param bytesRead    bytes this process read from the source; 0 when the storage service pulled them
 * @param chunksCopied chunks written
 * @param retries      attempts beyond each call's first
 */
public record CopyResult(long bytesCopied, long bytesRead, int chunksCopied, int retries) {
}
