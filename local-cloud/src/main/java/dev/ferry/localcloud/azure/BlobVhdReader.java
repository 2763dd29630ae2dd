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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a VHD page blob for an Import through the Blob SDK, with the storage account's own key: its
 * written page ranges, read in downloads of up to 4 MiB that span neighbouring ranges (a diff leaves a
 * replica's writes in many small ranges), of which only the ranges themselves are kept.
 */
public final class BlobVhdReader implements VhdReader {

    private static final int READ_CHUNK = 4 << 20;
    /** The most unwritten bytes between two ranges that one download reads through. */
    private static final long GAP_READ_THROUGH = 1 << 20;

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
            List<long[]> span = new ArrayList<>();
            for (PageRangeItem range : blob.listPageRanges(new BlobRange(0, dataBytes))) {
                if (range.isClear()) {
                    continue;
                }
                long end = Math.min(range.getRange().getOffset() + range.getRange().getLength(), dataBytes);
                for (long offset = range.getRange().getOffset(); offset < end; offset += READ_CHUNK) {
                    long[] piece = {offset, Math.min(offset + READ_CHUNK, end)};
                    if (!span.isEmpty() && (piece[1] - span.get(0)[0] > READ_CHUNK
                            || piece[0] - span.get(span.size() - 1)[1] > GAP_READ_THROUGH)) {
                        readSpan(blob, span, data);
                        span.clear();
                    }
                    span.add(piece);
                }
            }
            readSpan(blob, span, data);
            return new Vhd(length, data, download(blob, dataBytes, VhdFooter.SIZE));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new ArmError(404, "NotFound", "The source blob '" + blobUrl + "' was not found.");
            }
            throw new ArmError(400, "BadRequest", "The source blob '" + blobUrl + "' could not be read: " + e.getErrorCode());
        }
    }

    /** Downloads from the first piece's start to the last one's end and keeps the pieces' bytes. */
    private static void readSpan(PageBlobClient blob, List<long[]> pieces, SparseContent data) {
        if (pieces.isEmpty()) {
            return;
        }
        long start = pieces.get(0)[0];
        byte[] bytes = download(blob, start, pieces.get(pieces.size() - 1)[1] - start);
        for (long[] piece : pieces) {
            data.write(piece[0], Arrays.copyOfRange(bytes, (int) (piece[0] - start), (int) (piece[1] - start)));
        }
    }

    private static byte[] download(PageBlobClient blob, long offset, long count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) count);
        blob.downloadStreamWithResponse(out, new BlobRange(offset, count), null, null, false, null, null);
        return out.toByteArray();
    }
}
