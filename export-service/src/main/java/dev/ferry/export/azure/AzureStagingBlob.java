package dev.ferry.export.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobType;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.PageBlobItem;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.options.PageBlobCreateOptions;
import com.azure.storage.blob.specialized.PageBlobAsyncClient;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.export.ByteRange;
import dev.ferry.export.SasUrl;
import dev.ferry.export.StagingBlob;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;

/** A VHD page blob in the staging account, through a {@link PageBlobClient}. */
final class AzureStagingBlob implements StagingBlob {

    private final BlobContainerClient container;
    private final PageBlobClient client;
    private final PageBlobAsyncClient asyncClient;
    private final Duration timeout;

    AzureStagingBlob(BlobContainerClient container, PageBlobClient client, PageBlobAsyncClient asyncClient, Duration timeout) {
        this.container = container;
        this.client = client;
        this.asyncClient = asyncClient;
        this.timeout = timeout;
    }

    @Override
    public String url() {
        return client.getBlobUrl();
    }

    @Override
    public Creation createIfAbsent(long length, Map<String, String> tags) {
        try {
            container.createIfNotExists();
            Response<PageBlobItem> created = client.createIfNotExistsWithResponse(new PageBlobCreateOptions(length)
                    .setTags(tags).setMetadata(metadata(tags)), timeout, Context.NONE);
            if (created.getStatusCode() == 201) {
                return Creation.CREATED;
            }
            BlobProperties existing = client.getPropertiesWithResponse(null, timeout, Context.NONE).getValue();
            if (existing.getBlobType() != BlobType.PAGE_BLOB || existing.getBlobSize() != length) {
                throw new IllegalStateException("the staging blob " + url() + " exists as a " + existing.getBlobType()
                        + " of " + existing.getBlobSize() + " bytes, not as a page blob of " + length);
            }
            return Creation.REUSED;
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Create Page Blob", e);
        }
    }

    /**
     * Metadata names must be C# identifiers and travel as case-insensitive headers, so the tags' dots
     * become underscores and the names are lower case there.
     */
    private static Map<String, String> metadata(Map<String, String> tags) {
        Map<String, String> metadata = new LinkedHashMap<>();
        tags.forEach((key, value) -> metadata.put(key.replace('.', '_').toLowerCase(java.util.Locale.ROOT), value));
        return metadata;
    }

    @Override
    public List<ByteRange> pageRanges() {
        return PageRangeListing.written(client, new BlobRange(0), AzureSourceDisk.PAGE_RANGES_PER_PAGE, timeout);
    }

    @Override
    public void putPages(long offset, byte[] data, int length) {
        try {
            // The async client takes the buffer as one ByteBuffer; the sync client's InputStream variant
            // cuts it into 512-byte buffers, which more than halved the throughput in the benchmark.
            asyncClient.uploadPagesWithResponse(new PageRange().setStart(offset).setEnd(offset + length - 1),
                    Flux.just(ByteBuffer.wrap(data, 0, length)), null, null).block(timeout);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Put Page", e);
        }
    }

    @Override
    public void putPagesFromUrl(ByteRange range, SasUrl source) {
        try {
            client.uploadPagesFromUrlWithResponse(new PageRange().setStart(range.start()).setEnd(range.end() - 1),
                    source.unredacted(), range.start(), null, null, null, timeout, Context.NONE);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Put Page From URL", e);
        }
    }

    @Override
    public byte[] read(long offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        try {
            client.downloadStreamWithResponse(out, new BlobRange(offset, (long) length),
                    new DownloadRetryOptions().setMaxRetryRequests(0), null, false, timeout, Context.NONE);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Get Blob", e);
        }
        return out.toByteArray();
    }

    @Override
    public boolean delete() {
        try {
            return client.deleteIfExists();
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Delete Blob", e);
        }
    }
}
