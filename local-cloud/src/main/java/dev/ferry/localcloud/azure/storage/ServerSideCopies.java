package dev.ferry.localcloud.azure.storage;

import dev.ferry.localcloud.azure.Exchange;
import dev.ferry.localcloud.azure.Faults;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The server-side copies that the front serves itself because Azurite lacks them: Put Page From URL, and Copy Blob
 * of a page blob with a real pending phase (the destination is created at once and {@link ExternalCopies} fills it
 * in), with Abort Copy Blob of such a copy.
 */
final class ServerSideCopies {

    /** Azure's limit for one Put Page From URL. */
    static final long MAX_PAGES_FROM_URL = 4L * 1024 * 1024;

    private final Faults faults;
    private final CallerAuthenticator authenticator;
    private final CopySources sources;
    private final AzuriteUpstream upstream;
    private final BlobBandwidth bandwidth;
    private final ExternalCopies copies;

    ServerSideCopies(Faults faults, CallerAuthenticator authenticator, CopySources sources, AzuriteUpstream upstream,
            BlobBandwidth bandwidth, ExternalCopies copies) {
        this.faults = faults;
        this.authenticator = authenticator;
        this.sources = sources;
        this.upstream = upstream;
        this.bandwidth = bandwidth;
        this.copies = copies;
    }

    void putPageFromUrl(FrontRequest request, String copySource) throws StorageError, IOException,
            InterruptedException {
        if (!admitted(request, Faults.Kind.PUT_PAGE_FROM_URL)) {
            return;
        }
        Exchange exchange = request.exchange();
        if (!"update".equalsIgnoreCase(exchange.header("x-ms-page-write"))) {
            throw StorageError.invalidHeader("x-ms-page-write", "A copy source needs x-ms-page-write: update.");
        }
        String contentLength = exchange.header("Content-Length");
        if (contentLength != null && !"0".equals(contentLength.trim())) {
            throw StorageError.invalidHeader("Content-Length", "Put Page From URL carries no body.");
        }
        String destinationHeader = exchange.header("x-ms-range") != null ? "x-ms-range" : "Range";
        ByteRange destination = ByteRange.parsePages(destinationHeader, exchange.header(destinationHeader));
        ByteRange sourceRange = ByteRange.parsePages("x-ms-source-range", exchange.header("x-ms-source-range"));
        if (sourceRange.length() != destination.length()) {
            throw StorageError.invalidHeader("x-ms-source-range",
                    "The source range and the destination range must have the same length.");
        }
        if (destination.length() > MAX_PAGES_FROM_URL) {
            throw StorageError.invalidHeader(destinationHeader,
                    "At most 4 MiB can be written from a URL at a time; the range has " + destination.length()
                            + " bytes.");
        }
        CopySource source = sources.open(request, CopySource.parse(copySource));
        byte[] data = source.read(sourceRange);
        bandwidth.transfer(request.blob(), data.length);
        Map<String, String> headers = request.destinationConditions();
        headers.put("x-ms-page-write", "update");
        headers.put("x-ms-range", destination.header());
        HttpResponse<byte[]> written = upstream.signed(request.account(), "PUT", request.rawPath() + "?comp=page",
                headers, data);
        Map<String, String> extra = new LinkedHashMap<>();
        if (written.statusCode() == 201 && written.headers().firstValue("x-ms-request-server-encrypted").isEmpty()) {
            extra.put("x-ms-request-server-encrypted", "true");
        }
        ResponseRelay.relay(request, written, written.statusCode(), extra);
    }

    void copyBlob(FrontRequest request, URI sourceUri) throws StorageError, IOException, InterruptedException {
        if (!admitted(request, Faults.Kind.COPY_BLOB)) {
            return;
        }
        if (copies.of(request.blob()).filter(c -> c.status() == ExternalCopies.Status.PENDING).isPresent()) {
            throw new StorageError(409, "PendingCopyOperation", "There is currently a pending copy operation.");
        }
        CopySource source = sources.open(request, sourceUri);
        HttpHeaders properties = source.properties();
        String type = properties.firstValue("x-ms-blob-type").orElse("");
        if (!"PageBlob".equalsIgnoreCase(type)) {
            throw new StorageError(409, "InvalidBlobType", "The front copies only page blobs from outside Azurite; "
                    + source.redacted() + " is " + (type.isEmpty() ? "of no known type" : "a " + type) + ".");
        }
        long length = properties.firstValueAsLong("Content-Length").orElse(-1);
        if (length < 0 || length % ByteRange.PAGE != 0) {
            throw new StorageError(409, "CannotVerifyCopySource", "The copy source " + source.redacted()
                    + " has no page-aligned length.");
        }
        Map<String, String> create = request.destinationConditions();
        create.put("x-ms-blob-type", "PageBlob");
        create.put("x-ms-blob-content-length", Long.toString(length));
        properties.firstValue("Content-Type").ifPresent(v -> create.put("x-ms-blob-content-type", v));
        // Copy Blob takes the caller's metadata if it names any, otherwise the source's.
        Map<String, String> metadata = metadata(request.raw().getRequestHeaders());
        if (metadata.isEmpty()) {
            metadata = metadata(properties.map());
        }
        create.putAll(metadata);
        String version = Objects.requireNonNullElse(request.exchange().header("x-ms-version"),
                AzuriteUpstream.DEFAULT_VERSION);
        create.put("x-ms-version", version);
        HttpResponse<byte[]> created = upstream.signed(request.account(), "PUT", request.rawPath(), create, null);
        if (created.statusCode() != 201) {
            ResponseRelay.relay(request, created, created.statusCode(), Map.of());
            return;
        }
        ExternalCopies.Copy copy = copies.start(request.account(), request.blob(), request.rawPath(), source, length,
                version);
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("x-ms-copy-id", copy.id);
        extra.put("x-ms-copy-status", ExternalCopies.Status.PENDING.header());
        ResponseRelay.relay(request, created, 202, extra);
    }

    /** Whether the front has made a copy into this blob, so that aborting it is the front's to answer. */
    boolean copiedInto(String blob) {
        return copies.of(blob).isPresent();
    }

    void abortCopy(FrontRequest request) throws StorageError, IOException, InterruptedException {
        authenticator.authenticate(request);
        copies.abort(request.blob(), request.exchange().query("copyid"));
        request.exchange().sendEmpty(204);
    }

    /** Whether the request goes on: no injected fault has answered it, and its caller is who it claims. */
    private boolean admitted(FrontRequest request, Faults.Kind fault) throws StorageError, IOException,
            InterruptedException {
        if (faults.apply(fault, request.exchange(), false)) {
            return false;
        }
        authenticator.authenticate(request);
        return true;
    }

    private static Map<String, String> metadata(Map<String, List<String>> headers) {
        Map<String, String> metadata = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-ms-meta-")) {
                metadata.put(lower, values.get(0));
            }
        });
        return metadata;
    }
}
