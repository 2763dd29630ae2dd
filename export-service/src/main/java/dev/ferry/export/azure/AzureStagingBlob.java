package dev.ferry.export.azure;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
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
import dev.ferry.export.StorageCallFailed;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/** A VHD page blob in the staging account, through a {@link PageBlobClient}. */
final class AzureStagingBlob implements StagingBlob {

    /** The request body's granularity for Put Page: the size of one socket write, and of one copy of the caller's data. */
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
                    .setTags(tags).setMetadata(StagingBlob.metadataOf(tags)), timeout, Context.NONE);
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

    @Override
    public List<ByteRange> pageRanges() {
        return PageRangeListing.written(client, new BlobRange(0), AzureSourceDisk.PAGE_RANGES_PER_PAGE, timeout);
    }

    @Override
    public void putPages(long offset, byte[] data, int length) {
        FillingPut put = new FillingPut(offset, data, length);
        put.filled(length);
        put.await();
    }

    @Override
    public PagesWhileFilled putPagesWhileFilled(long offset, byte[] data, int length) {
        return new FillingPut(offset, data, length);
    }

    /**
     * One Put Page whose body is taken from the caller's buffer as the reader fills it, one slice of
     * {@link #BODY_SLICE} bytes each time the HTTP client asks for the next (it asks once it has handed
     * the last to the socket). Each slice is a copy: the request never holds the caller's buffer, which
     * is free for other data as soon as the last slice is taken, while the answer is still to come, and
     * also after a request that was given up while it still ran. Slices of 64 KiB, not one 4 MiB
     * buffer: the JDK writes a heap buffer to a socket through a temporary direct buffer of the same
     * size, cached per thread.
     */
    private final class FillingPut implements PagesWhileFilled {
        private final byte[] data;
        private final int length;
        private final CompletableFuture<?> result;
        /** Completes when the buffer is no longer needed: all taken, abandoned, or the request ended. */
        private final CompletableFuture<Void> released = new CompletableFuture<>();
        // All below guarded by this.
        private FluxSink<ByteBuffer> body;
        private int available;
        private int taken;
        private boolean abandoned;
        private boolean requestEnded;
        private boolean draining;
        private boolean drainAgain;

        FillingPut(long offset, byte[] data, int length) {
            this.data = data;
            this.length = length;
            Flux<ByteBuffer> slices = Flux.create(this::bodySubscribed);
            // toFuture() starts the request now; it is awaited (or abandoned) later, and cancelling the future cancels it.
            this.result = asyncClient.uploadPagesWithResponse(new PageRange().setStart(offset).setEnd(offset + length - 1),
                    slices, null, null).doFinally(signal -> ended()).toFuture();
        }

        /** The request has ended (answered, failed or cancelled): nothing more is copied for it. */
        private synchronized void ended() {
            requestEnded = true;
            released.complete(null);
        }

        private synchronized void bodySubscribed(FluxSink<ByteBuffer> sink) {
            if (body != null || abandoned) {
                // The slices are taken once; a second subscription cannot be served.
                sink.error(new CancellationException("the body of a filling Put Page can be sent once"));
                return;
            }
            body = sink;
            sink.onRequest(n -> drain());
            drain();
        }

        @Override
        public synchronized void filled(int bytes) {
            available = bytes;
            drain();
        }

        /**
         * Copies out as many filled slices as the client has asked for (the last may be shorter) and
         * completes the body after the last. Emitting a slice may make the client ask for the next on
         * this thread: that call only notes it, and the loop goes on.
         */
        private synchronized void drain() {
            if (body == null || abandoned || requestEnded) {
                return;
            }
            if (draining) {
                drainAgain = true;
                return;
            }
            draining = true;
            try {
                do {
                    drainAgain = false;
                    while (taken < length && body.requestedFromDownstream() > 0
                            && (available - taken >= BODY_SLICE || available == length)) {
                        int slice = Math.min(BODY_SLICE, length - taken);
                        ByteBuffer copy = ByteBuffer.wrap(Arrays.copyOfRange(data, taken, taken + slice));
                        taken += slice;
                        body.next(copy);
                        if (taken == length) {
                            released.complete(null);
                            body.complete();
                        }
                    }
                } while (drainAgain && !abandoned);
            } finally {
                draining = false;
            }
        }

        @Override
        public void abandon() {
            boolean running;
            synchronized (this) {
                running = taken < length && !abandoned;
                abandoned = true;
                released.complete(null);
                if (running && body != null) {
                    body.error(new CancellationException("the chunk's read failed"));
                }
            }
            if (running) {
                // The body will never be complete: end the request now (it cannot commit a short body).
                result.cancel(true);
                return;
            }
            try {
                // All sent: wait until the request has ended; its outcome does not matter here.
                result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.cancel(true);
            } catch (TimeoutException e) {
                result.cancel(true);
            } catch (ExecutionException | CancellationException e) {
                // a failure is an expected end here
            }
        }

        @Override
        public void awaitRelease() {
            try {
                released.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abandon();
            } catch (ExecutionException | TimeoutException e) {
                abandon(); // the request would not take the data in time: it fails, and await says so
            }
        }

        @Override
        public void await() {
            try {
                result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw AzureStorageFailures.translate("Put Page", e.getCause() instanceof RuntimeException cause ? cause
                        : new IllegalStateException(e.getCause()));
            } catch (CancellationException e) {
                // given up (a read or a hand-over that did not finish in time): nothing was written, it may be tried again
                throw new StorageCallFailed("Put Page", 0, "Abandoned", null, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.cancel(true);
                throw AzureStorageFailures.translate("Put Page", new IllegalStateException("interrupted while the Put Page ran", e));
            } catch (TimeoutException e) {
                result.cancel(true);
                throw AzureStorageFailures.translate("Put Page", new IllegalStateException("the Put Page took longer than " + timeout, e));
            }
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
    public Optional<Properties> properties() {
        try {
            BlobProperties properties = client.getPropertiesWithResponse(null, timeout, Context.NONE).getValue();
            return Optional.of(new Properties(properties.getBlobSize(),
                    properties.getMetadata() == null ? Map.of() : properties.getMetadata()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw AzureStorageFailures.translate("Get Blob Properties", e);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Get Blob Properties", e);
        }
    }

    @Override
    public void setMetadata(Map<String, String> metadata) {
        try {
            client.setMetadataWithResponse(metadata, null, timeout, Context.NONE);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Set Blob Metadata", e);
        }
    }

    @Override
    public void clearPages(ByteRange range) {
        try {
            client.clearPagesWithResponse(new PageRange().setStart(range.start()).setEnd(range.end() - 1), null, timeout,
                    Context.NONE);
        } catch (RuntimeException e) {
            throw AzureStorageFailures.translate("Clear Pages", e);
        }
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
