package dev.ferry.localcloud.azure;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlobType;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.localcloud.azure.compute.ArmError;
import dev.ferry.localcloud.azure.compute.SparseContent;
import dev.ferry.localcloud.azure.compute.StorageAccount;
import dev.ferry.localcloud.azure.compute.VhdFooter;
import dev.ferry.localcloud.azure.compute.VhdReader;
import java.io.ByteArrayOutputStream;

/** Reads a VHD page blob for an Import through the Blob SDK, with the storage account's own key. */
public final class BlobVhdReader implements VhdReader {

    private static final int READ_CHUNK = 4 << 20;

    @Override
    public Vhd read(StorageAccount account, String blobUrl) {
        BlobUrlParts parts = BlobUrlParts.parse(blobUrl);
        PageBlobClient blob = new BlobServiceClientBuilder().connectionString(account.connectionString()).buildClient()
                .getBlobContainerClient(parts.getBlobContainerName()).getBlobClient(parts.getBlobName()).getPageBlobClient();
        try {
            var properties = blob.getProperties();
            if (properties.getBlobType() != BlobType.PAGE_BLOB) {
                throw new ArmError(400, "BadRequest", "Only blobs formatted as VHDs can be imported.");
            }
            long length = properties.getBlobSize();
            if (length <= VhdFooter.SIZE || length % SparseContent.PAGE != 0) {
                throw new ArmError(400, "BadRequest", "The upload size in bytes " + length
                        + " - 512 bytes for the VHD footer must be a multiple of MiB.");
            }
            long dataBytes = length - VhdFooter.SIZE;
            SparseContent data = new SparseContent(dataBytes);
            for (PageRangeItem range : blob.listPageRanges(new BlobRange(0, dataBytes))) {
                if (range.isClear()) {
                    continue;
                }
                for (long offset = range.getRange().getOffset(); offset < range.getRange().getOffset() + range.getRange().getLength();
                     offset += READ_CHUNK) {
                    long count = Math.min(READ_CHUNK, range.getRange().getOffset() + range.getRange().getLength() - offset);
                    count = Math.min(count, dataBytes - offset);
                    if (count <= 0) {
                        break;
                    }
                    data.write(offset, download(blob, offset, count));
                }
            }
            return new Vhd(length, data, download(blob, dataBytes, VhdFooter.SIZE));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new ArmError(404, "NotFound", "The source blob '" + blobUrl + "' was not found.");
            }
            throw new ArmError(400, "BadRequest", "The source blob '" + blobUrl + "' could not be read: " + e.getErrorCode());
        }
    }

    private static byte[] download(PageBlobClient blob, long offset, long count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) count);
        blob.downloadStreamWithResponse(out, new BlobRange(offset, count), null, null, false, null, null);
        return out.toByteArray();
    }
}
