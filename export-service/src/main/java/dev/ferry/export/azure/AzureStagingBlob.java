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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/** A VHD page blob in the staging account, through a {@link PageBlobClient}. */
final class AzureStagingBlob implements StagingBlob {

    /** The request body's granularity for Put Page: the size of one socket write. */
    static final int BODY_SLICE = 64 * 1024;

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
            // The async client takes the buffer as views of the caller's array (no copy); the sync client's
            // InputStream variant cuts it into 512-byte buffers, which more than halved the throughput in the
            // benchmark. Views of BODY_SLICE bytes rather than one 4 MiB view: the JDK writes a heap buffer to
            // a socket through a temporary direct buffer of the same size, cached per thread, so one 4 MiB view
            // cost 4 MiB of native memory in every HTTP client thread (about 60 MiB of the exporter's RSS).
            asyncClient.uploadPagesWithResponse(new PageRange().setStart(offset).setEnd(offset + length - 1),
                    slices(data, length), null, null).block(timeout);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Put Page", e);
        }
    }

    @Override
    public PagesWhileFilled putPagesWhileFilled(long offset, byte[] data, int length) {
        return new FillingPut(offset, data, length);
    }

    /**
     * One Put Page whose body is views of the caller's buffer, each sent once the reader has filled
     * it: the download of a chunk and its upload overlap, within the chunk's one buffer.
     */
    private final class FillingPut implements PagesWhileFilled {
        private final byte[] data;
        private final int length;
        private final CompletableFuture<?> result;
        /** Completes when the request has ended in any way (done, failed, cancelled): it no longer reads the buffer. */
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        // All below guarded by this.
        private FluxSink<ByteBuffer> body;
        private int available;
        private int sent;
        private boolean completed;
        private boolean abandoned;

        FillingPut(long offset, byte[] data, int length) {
            this.data = data;
            this.length = length;
            Flux<ByteBuffer> views = Flux.create(this::bodyRequested);
            // toFuture() starts the request now; it is awaited (or abandoned) later, and cancelling the future cancels it.
            this.result = asyncClient.uploadPagesWithResponse(new PageRange().setStart(offset).setEnd(offset + length - 1),
                    views, null, null).doFinally(signal -> ended.complete(null)).toFuture();
        }

        private synchronized void bodyRequested(FluxSink<ByteBuffer> sink) {
            if (body != null || abandoned) {
                // The views are handed out once; a second subscription cannot be served.
                sink.error(new CancellationException("the body of a filling Put Page can be sent once"));
                return;
            }
            body = sink;
            flush();
        }

        @Override
        public synchronized void filled(int bytes) {
            available = bytes;
            if (body != null && !abandoned) {
                flush();
            }
        }

        /** Sends the filled bytes in views of BODY_SLICE (the last may be shorter); completes the body at the end. */
        private void flush() {
            while (sent < available && (available - sent >= BODY_SLICE || available == length)) {
                int slice = Math.min(BODY_SLICE, available - sent);
                body.next(ByteBuffer.wrap(data, sent, slice));
                sent += slice;
            }
            if (sent == length && !completed) {
                completed = true;
                body.complete();
            }
        }

        @Override
        public void abandon() {
            boolean running;
            synchronized (this) {
                running = !completed && !abandoned;
                if (running) {
                    abandoned = true;
                    if (body != null) {
                        body.error(new CancellationException("the chunk's read failed"));
                    }
                }
            }
            if (running) {
                // The body will never be complete: end the request now (it cannot commit a short body) rather
                // than wait for a timeout, and give it a moment to let go of the buffer.
                stop();
                return;
            }
            try {
                // Completed or abandoned before: once the request has ended it no longer reads the buffer.
                result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
            } catch (TimeoutException e) {
                stop();
            } catch (ExecutionException | CancellationException e) {
                // a failure is the expected end; nothing was written
            }
        }

        @Override
        public void await() {
            try {
                result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw AzureStorageFailures.translate("Put Page", e.getCause() instanceof RuntimeException cause ? cause
                        : new IllegalStateException(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw AzureStorageFailures.translate("Put Page", new IllegalStateException("interrupted while the Put Page ran", e));
            } catch (TimeoutException e) {
                stop();
                throw AzureStorageFailures.translate("Put Page", new IllegalStateException("the Put Page took longer than " + timeout, e));
            }
        }

        @Override
        public boolean released() {
            return ended.isDone();
        }

        /** Cancels the request and gives it a moment to end; {@link #released()} then says whether it did. */
        private void stop() {
            result.cancel(true);
            try {
                ended.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // released() stays false: the caller does not reuse the buffer
            }
        }
    }

    /** {@code data[0..length)} as consecutive views of at most {@link #BODY_SLICE} bytes. */
    static Flux<ByteBuffer> slices(byte[] data, int length) {
        return Flux.range(0, (length + BODY_SLICE - 1) / BODY_SLICE)
                .map(i -> ByteBuffer.wrap(data, i * BODY_SLICE, Math.min(BODY_SLICE, length - i * BODY_SLICE)));
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
