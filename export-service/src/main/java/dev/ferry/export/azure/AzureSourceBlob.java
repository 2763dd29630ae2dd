package dev.ferry.export.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.specialized.PageBlobClient;
import dev.ferry.export.ByteRange;
import dev.ferry.export.SasUrl;
import dev.ferry.export.SourceBlob;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.function.IntConsumer;

/** A snapshot's page blob behind its SAS, read with a {@link PageBlobClient}. */
final class AzureSourceBlob implements SourceBlob {

    private final PageBlobClient client;
    private final SasUrl sas;
    private final Duration timeout;
    private final int rangesPerPage;

    AzureSourceBlob(PageBlobClient client, SasUrl sas, Duration timeout, int rangesPerPage) {
        this.client = client;
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
    public void read(long offset, byte[] buffer, int length) {
        read(offset, buffer, length, filled -> { });
    }

    @Override
    public void read(long offset, byte[] buffer, int length, IntConsumer filled) {
        BufferSink sink = new BufferSink(buffer, length, filled);
        try {
            client.downloadStreamWithResponse(sink, new BlobRange(offset, (long) length),
                    new DownloadRetryOptions().setMaxRetryRequests(0), null, false, timeout, Context.NONE);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Get Blob", e);
        }
        if (sink.written != length) {
            throw new dev.ferry.export.StorageCallFailed("Get Blob", 0, "ShortRead", null, null);
        }
    }

    /** Receives a download straight into the caller's buffer: no intermediate copy of the chunk. */
    private static final class BufferSink extends OutputStream {
        private final byte[] buffer;
        private final int limit;
        private final IntConsumer filled;
        private int written;

        BufferSink(byte[] buffer, int limit, IntConsumer filled) {
            this.buffer = buffer;
            this.limit = limit;
            this.filled = filled;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (written + length > limit) {
                throw new IllegalStateException("the service sent more than the " + limit + " bytes asked for");
            }
            System.arraycopy(bytes, offset, buffer, written, length);
            written += length;
            filled.accept(written);
        }
    }
}
