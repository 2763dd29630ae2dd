package dev.ferry.localcloud.azure.storage;

import java.lang.System.Logger.Level;
import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copy Blob from a source outside Azurite: the destination page blob exists at once, its written ranges follow in
 * the background at the blob's bandwidth, and its copy properties report the progress as Azure's do.
 */
final class ExternalCopies implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ExternalCopies.class.getName());
    // Small enough that a capped copy reports progress several times a second, large enough to be cheap for Azurite.
    private static final long CHUNK = 1024 * 1024;

    /** The values of {@code x-ms-copy-status}. */
    enum Status {
        PENDING, SUCCESS, FAILED, ABORTED;

        String header() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One copy into one destination blob; the fields the copy thread moves are volatile for the readers of headers. */
    static final class Copy {
        final String id = UUID.randomUUID().toString();
        final String blob;
        final String source;
        final long total;
        volatile long copied;
        private volatile Status status = Status.PENDING;
        private volatile ZonedDateTime completed;
        private volatile String description;
        private volatile Future<?> task;

        Copy(String blob, String source, long total) {
            this.blob = blob;
            this.source = source;
            this.total = total;
        }

        Status status() {
            return status;
        }

        synchronized boolean finish(Status outcome, String why) {
            if (status != Status.PENDING) {
                return false;
            }
            status = outcome;
            description = why;
            completed = ZonedDateTime.now(ZoneOffset.UTC);
            return true;
        }

        /** The copy properties that Get Blob Properties and Get Blob add for the destination. */
        Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("x-ms-copy-id", id);
            headers.put("x-ms-copy-status", status.header());
            headers.put("x-ms-copy-source", source);
            headers.put("x-ms-copy-progress", copied + "/" + total);
            ZonedDateTime done = completed;
            if (done != null) {
                headers.put("x-ms-copy-completion-time", dev.ferry.localcloud.azure.Exchange.HTTP_DATE.format(done));
            }
            String why = description;
            if (why != null) {
                headers.put("x-ms-copy-status-description", why);
            }
            return headers;
        }
    }

    private final AzuriteUpstream upstream;
    private final BlobBandwidth bandwidth;
    private final Map<String, Copy> byBlob = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "storage-front-copy");
        thread.setDaemon(true);
        return thread;
    });

    ExternalCopies(AzuriteUpstream upstream, BlobBandwidth bandwidth) {
        this.upstream = upstream;
        this.bandwidth = bandwidth;
    }

    Optional<Copy> of(String blob) {
        return Optional.ofNullable(byBlob.get(blob));
    }

    /** Starts copying {@code source}'s written ranges into the (already created) destination page blob. */
    Copy start(String account, String blob, String rawPath, CopySource source, long total, String version) {
        Copy copy = new Copy(blob, source.redacted(), total);
        Copy previous = byBlob.put(blob, copy);
        if (previous != null) {
            previous.finish(Status.ABORTED, null);
        }
        copy.task = workers.submit(() -> run(copy, account, rawPath, source, version));
        return copy;
    }

    /** Abort Copy Blob; the destination keeps what was written so far. */
    void abort(String blob, String copyId) throws StorageError {
        Copy copy = byBlob.get(blob);
        if (copy == null || copy.status() != Status.PENDING) {
            throw new StorageError(409, "NoPendingCopyOperation", "There is currently no pending copy operation.");
        }
        if (!copy.id.equals(copyId)) {
            throw new StorageError(409, "CopyIdMismatch",
                    "The specified copy ID did not match the copy ID for the pending copy operation.");
        }
        if (copy.finish(Status.ABORTED, null)) {
            cancel(copy);
        }
    }

    /** The destination was deleted or replaced: its copy properties go, and a pending copy stops. */
    void forget(String blob) {
        Copy copy = byBlob.remove(blob);
        if (copy != null && copy.finish(Status.ABORTED, null)) {
            cancel(copy);
        }
    }

    @Override
    public void close() {
        byBlob.values().forEach(copy -> copy.finish(Status.ABORTED, null));
        workers.shutdownNow();
    }

    private static void cancel(Copy copy) {
        Future<?> task = copy.task;
        if (task != null) {
            task.cancel(true);
        }
    }

    private void run(Copy copy, String account, String rawPath, CopySource source, String version) {
        try {
            List<ByteRange> ranges = source.pageRanges();
            for (ByteRange range : ranges) {
                for (long start = range.start(); start <= range.end(); start += CHUNK) {
                    if (copy.status() != Status.PENDING) {
                        return;
                    }
                    ByteRange chunk = new ByteRange(start, Math.min(range.end(), start + CHUNK - 1));
                    bandwidth.transfer(copy.blob, chunk.length());
                    byte[] data = source.read(chunk);
                    if (copy.status() != Status.PENDING) {
                        return;
                    }
                    HttpResponse<byte[]> written = upstream.signed(account, "PUT", rawPath + "?comp=page",
                            Map.of("x-ms-page-write", "update", "x-ms-range", chunk.header(), "x-ms-version", version),
                            data);
                    if (written.statusCode() != 201) {
                        fail(copy, 500, "InternalError", "Writing the destination failed with "
                                + written.statusCode() + ".");
                        return;
                    }
                    copy.copied = chunk.end() + 1;
                }
            }
            copy.copied = copy.total;
            copy.finish(Status.SUCCESS, null);
        } catch (StorageError e) {
            fail(copy, e.status(), e.code(), e.getMessage());
        } catch (InterruptedException e) {
            // Aborted, replaced or closing: whoever interrupted has set the outcome.
            Thread.currentThread().interrupt();
        } catch (RuntimeException | java.io.IOException e) {
            if (copy.status() == Status.PENDING) {
                // The exception's type alone: a message naming a URL may carry the source's SAS.
                LOG.log(Level.WARNING, "Copy " + copy.id + " into " + copy.blob + " failed: " + e.getClass().getName()
                        + " at " + StorageFront.firstFrame(e));
            }
            fail(copy, 500, "InternalError", "Copy failed: " + e.getClass().getSimpleName() + ".");
        }
    }

    private static void fail(Copy copy, int status, String code, String message) {
        // Azure's form: the status and code of the failed step, then its message in quotes.
        copy.finish(Status.FAILED, status + " " + code + " \"" + message + "\"");
    }
}
