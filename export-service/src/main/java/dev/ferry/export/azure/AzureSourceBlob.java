package dev.ferry.export.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.specialized.PageBlobAsyncClient;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.blob.models.PageList;
import dev.ferry.export.ByteRange;
import dev.ferry.export.PageDiff;
import dev.ferry.export.SasUrl;
import dev.ferry.export.SourceBlob;
import dev.ferry.export.StorageCallFailed;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A snapshot's page blob behind its SAS: properties and page ranges through a {@link PageBlobClient},
 * range reads through its async twin, whose parts are copied into the caller's buffer as they come.
 */
final class AzureSourceBlob implements SourceBlob {

    /**
     * The span of one diff request. Get Page Ranges for a managed disk answers a whole range at once (the
     * SDK's diff call takes no marker); Azure advises asking a fragmented disk in parts.
     */
    static final long DIFF_WINDOW_BYTES = 64L << 30;

    private final PageBlobClient client;
    private final PageBlobAsyncClient asyncClient;
    private final SasUrl sas;
    private final Duration timeout;
    private final int rangesPerPage;

    AzureSourceBlob(PageBlobClient client, PageBlobAsyncClient asyncClient, SasUrl sas, Duration timeout, int rangesPerPage) {
        this.client = client;
        this.asyncClient = asyncClient;
        this.sas = sas;
        this.timeout = timeout;
        this.rangesPerPage = rangesPerPage;
    }

    @Override
    public SasUrl sas() {
        return sas;
    }

    @Override
    public long length() {
        try {
            return client.getPropertiesWithResponse(null, timeout, Context.NONE).getValue().getBlobSize();
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Get Blob Properties", e);
        }
    }

    @Override
    public List<ByteRange> pageRanges(ByteRange within) {
        return PageRangeListing.written(client, new BlobRange(within.start(), within.length()), rangesPerPage, timeout);
    }

    @Override
    public PageDiff pageDiff(SasUrl previous, ByteRange within) {
        List<ByteRange> changed = new ArrayList<>();
        List<ByteRange> cleared = new ArrayList<>();
        try {
            for (long start = within.start(); start < within.end(); start += DIFF_WINDOW_BYTES) {
                long length = Math.min(DIFF_WINDOW_BYTES, within.end() - start);
                PageList page = client.getManagedDiskPageRangesDiffWithResponse(new BlobRange(start, length),
                        previous.unredacted(), null, timeout, Context.NONE).getValue();
                page.getPageRange().forEach(r -> changed.add(new ByteRange(r.getStart(), r.getEnd() + 1)));
                page.getClearRange().forEach(r -> cleared.add(new ByteRange(r.getStart(), r.getEnd() + 1)));
            }
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Get Page Ranges Diff", e);
        }
        return new PageDiff(changed, cleared);
    }

    @Override
    public void read(long offset, byte[] buffer, int length) {
        read(offset, buffer, length, filled -> { });
    }

    @Override
    public void read(long offset, byte[] buffer, int length, IntConsumer filled) {
        BufferSink sink = new BufferSink(buffer, length, filled);
        try {
            asyncClient.downloadStreamWithResponse(new BlobRange(offset, (long) length),
                            new DownloadRetryOptions().setMaxRetryRequests(0), null, false)
                    .flatMapMany(response -> response.getValue())
                    .doOnNext(sink::accept)
                    .then().block(timeout);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Get Blob", e);
        } finally {
            sink.close();
        }
        if (sink.written() != length) {
            throw new StorageCallFailed("Get Blob", 0, "ShortRead", null, null);
        }
    }

    /**
     * Copies a download's parts straight into the caller's buffer as they arrive: no other copy of the
     * chunk is made. Once closed (the read has ended, also by a timeout) it takes nothing more, so a part
     * still on its way cannot write into a buffer that holds other data by then.
     */
    private static final class BufferSink {
        private final byte[] buffer;
        private final int limit;
        private final IntConsumer filled;
        private int written;
        private boolean closed;

        BufferSink(byte[] buffer, int limit, IntConsumer filled) {
            this.buffer = buffer;
            this.limit = limit;
            this.filled = filled;
        }

        synchronized void accept(ByteBuffer part) {
            if (closed) {
                return;
            }
            int length = part.remaining();
            if (written + length > limit) {
                throw new IllegalStateException("the service sent more than the " + limit + " bytes asked for");
            }
            part.get(buffer, written, length);
            written += length;
            filled.accept(written);
        }

        synchronized void close() {
            closed = true;
        }

        synchronized int written() {
            return written;
        }
    }
}
