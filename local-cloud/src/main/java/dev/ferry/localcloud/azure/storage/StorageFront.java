package dev.ferry.localcloud.azure.storage;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.localcloud.azure.Exchange;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azurite.Azurite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTP front before one Azurite that passes every Blob request through unchanged and adds the server-side copies
 * Azurite lacks: Put Page From URL, and Copy Blob from an external URL with a real pending phase.
 */
public final class StorageFront implements AutoCloseable {

    static {
        // The JDK's HTTP server writes an answer's headers and body apart; with Nagle's algorithm on, a small
        // answer then waits for the client's delayed ACK, about 40 ms a request. Azure answers at once.
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static final System.Logger LOG = System.getLogger(StorageFront.class.getName());
    private static final String HOST = "127.0.0.1";
    /** Azure's limit for one Put Page From URL. */
    static final long MAX_PAGES_FROM_URL = 4L * 1024 * 1024;
    private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "date");
    // What a destination's conditions and lease look like; the front's own write to Azurite keeps them.
    private static final List<String> DESTINATION_CONDITIONS = List.of("If-Match", "If-None-Match", "If-Modified-Since",
            "If-Unmodified-Since", "x-ms-lease-id", "x-ms-if-sequence-number-le", "x-ms-if-sequence-number-lt",
            "x-ms-if-sequence-number-eq", "x-ms-if-tags", "x-ms-client-request-id");

    private final HttpServer server;
    private final ExecutorService handlers;
    private final AzuriteUpstream upstream;
    private final HttpClient outbound;
    private final Faults faults;
    private final BlobBandwidth bandwidth;
    private final ExternalCopies copies;
    private final Azurite azurite;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StorageFront(Azurite azurite, SSLContext outboundTls, Faults faults) throws IOException {
        this.azurite = azurite;
        this.faults = faults;
        HttpClient.Builder client = HttpClient.newBuilder()
                // Azurite speaks HTTP/1.1 only; asking for h2c would add Upgrade headers to every request.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (outboundTls != null) {
            client.sslContext(outboundTls);
        }
        this.outbound = client.build();
        this.upstream = new AzuriteUpstream(azurite, outbound);
        this.bandwidth = new BlobBandwidth(faults);
        this.copies = new ExternalCopies(upstream, bandwidth);
        this.handlers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "storage-front");
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(HOST), 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a front before {@code azurite} on a free loopback port; {@code outboundTls} trusts the copy sources. */
    public static StorageFront start(Azurite azurite, SSLContext outboundTls, Faults faults) {
        return builder(azurite).outboundTls(outboundTls).faults(faults).start();
    }

    /** A builder for a front before {@code azurite}. */
    public static Builder builder(Azurite azurite) {
        return new Builder(azurite);
    }

    /** The loopback port the front listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The blob endpoint of an account through the front, path-style like Azurite's. */
    public String blobEndpoint(String account) {
        azurite.account(account);
        return "http://" + HOST + ":" + port() + "/" + account;
    }

    /** A connection string for the Azure Storage SDKs: the account's key, with the front as its blob endpoint. */
    public String connectionString(String account) {
        Azurite.Account a = azurite.account(account);
        return "DefaultEndpointsProtocol=http;AccountName=" + a.name() + ";AccountKey=" + a.key()
                + ";BlobEndpoint=" + blobEndpoint(account) + ";";
    }

    /** Stops listening and stops pending copies; Azurite stays up (its owner closes it). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        copies.close();
        handlers.shutdownNow();
    }

    @Override
    public String toString() {
        return "StorageFront[http://" + HOST + ":" + port() + " -> " + azurite + "]";
    }

    /** One request as the routes see it. */
    private record Call(HttpExchange raw, Exchange exchange, String account, String blob, String rawPath) {

        String rawPathAndQuery() {
            String query = raw.getRequestURI().getRawQuery();
            return rawPath + (query == null ? "" : "?" + query);
        }

        boolean onBlob() {
            return blob != null;
        }
    }

    /**
     * An injected fault for a Put Page with a body: it answers once the whole body has come in, as the
     * service does when it fails a write it has received, so the writer has let go of its data by then.
     */
    private boolean putPageFault(Exchange exchange, HttpExchange raw) throws IOException {
        Optional<Faults.Fault> fault = faults.next(Faults.Kind.PUT_PAGE);
        if (fault.isEmpty()) {
            return false;
        }
        if (fault.get().failsRequest()) {
            try (InputStream body = raw.getRequestBody()) {
                body.transferTo(OutputStream.nullOutputStream());
            }
        }
        return faults.answer(fault.get(), exchange, false);
    }

    private void handle(HttpExchange raw) {
        Exchange exchange = new Exchange(raw);
        try {
            Call call = call(raw, exchange);
            String method = raw.getRequestMethod();
            String comp = exchange.query("comp");
            String copySource = exchange.header("x-ms-copy-source");
            boolean ours = call.onBlob() && upstream.knows(call.account()) && "PUT".equals(method);
            if (ours && "page".equals(comp) && copySource != null) {
                putPageFromUrl(call, copySource);
            } else if (ours && comp == null && copySource != null && !"true".equalsIgnoreCase(
                    exchange.header("x-ms-requires-sync")) && isExternal(CopySource.parse(copySource))) {
                copyBlob(call, CopySource.parse(copySource));
            } else if (ours && comp == null && copySource != null && !"true".equalsIgnoreCase(
                    exchange.header("x-ms-requires-sync")) && pageBlobOfThisAccount(call, CopySource.parse(copySource))) {
                // Azurite's own copy of a page blob shares the source's page list, so later writes to the source
                // show in the copy; on Azure the copy is a blob of its own. The front copies it, reading the
                // source as the account (the request's own Shared Key authorizes a same-account source).
                copyBlob(call, upstream.withReadSas(call.account(), CopySource.parse(copySource)));
            } else if (ours && "copy".equals(comp) && "abort".equalsIgnoreCase(exchange.header("x-ms-copy-action"))
                    && copies.of(call.blob()).isPresent()) {
                authenticate(call);
                copies.abort(call.blob(), exchange.query("copyid"));
                exchange.sendEmpty(204);
            } else if (ours && "page".equals(comp) && copySource == null && putPageFault(exchange, raw)) {
                return; // answered with an injected fault
            } else {
                passThrough(call, comp);
            }
        } catch (StorageError e) {
            reply(exchange, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(exchange, new StorageError(500, "InternalError", "The front is shutting down."));
        } catch (IOException | RuntimeException e) {
            // The path and the exception's type alone: a query, and so a message naming a URL, may carry a SAS.
            LOG.log(Level.WARNING, "Request " + raw.getRequestMethod() + " " + raw.getRequestURI().getRawPath()
                    + " failed: " + e.getClass().getName() + " at " + firstFrame(e));
            reply(exchange, new StorageError(500, "InternalError", "The front could not serve the request: "
                    + e.getClass().getSimpleName()));
        } finally {
            raw.close();
        }
    }

    static String firstFrame(Throwable e) {
        StackTraceElement[] frames = e.getStackTrace();
        return frames.length == 0 ? "?" : frames[0].toString();
    }

    private static Call call(HttpExchange raw, Exchange exchange) {
        String rawPath = raw.getRequestURI().getRawPath();
        String[] segments = exchange.path().split("/", 4);
        String account = segments.length > 1 ? segments[1] : "";
        // A blob has an account, a container and a non-empty name.
        String blob = segments.length == 4 && !segments[3].isEmpty() ? exchange.path() : null;
        return new Call(raw, exchange, account, blob, rawPath);
    }

    /**
     * A source without a SAS in the destination's own account that Azurite holds as a page blob, asked for with
     * the account's Shared Key (only that authorizes a same-account source without a SAS, as on Azure).
     */
    private boolean pageBlobOfThisAccount(Call call, URI source) throws IOException, InterruptedException {
        String path = source.getRawPath();
        String authorization = call.exchange().header("Authorization");
        if (isExternal(source) || source.getRawQuery() != null || path == null
                || !path.startsWith("/" + call.account() + "/") || authorization == null
                || !authorization.startsWith("SharedKey ")) {
            return false;
        }
        HttpResponse<byte[]> head = upstream.signed(call.account(), "HEAD", path, Map.of(), null);
        return head.statusCode() == 200 && "PageBlob".equalsIgnoreCase(head.headers().firstValue("x-ms-blob-type").orElse(""));
    }

    private boolean isExternal(URI source) {
        String host = source.getHost();
        boolean loopback = "127.0.0.1".equals(host) || "localhost".equalsIgnoreCase(host);
        int port = source.getPort();
        return !(loopback && (port == port() || port == upstream.port()));
    }

    // --- Put Page From URL -------------------------------------------------------------------------------------------

    private void putPageFromUrl(Call call, String copySource) throws StorageError, IOException, InterruptedException {
        Exchange exchange = call.exchange();
        if (faults.apply(Faults.Kind.PUT_PAGE_FROM_URL, exchange, false)) {
            return;
        }
        authenticate(call);
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
        CopySource source = source(call, CopySource.parse(copySource));
        byte[] data = source.read(sourceRange);
        bandwidth.transfer(call.blob(), data.length);
        Map<String, String> headers = destinationConditions(exchange);
        headers.put("x-ms-page-write", "update");
        headers.put("x-ms-range", destination.header());
        HttpResponse<byte[]> written = upstream.signed(call.account(), "PUT", call.rawPath() + "?comp=page", headers,
                data);
        Map<String, String> extra = new LinkedHashMap<>();
        if (written.statusCode() == 201 && written.headers().firstValue("x-ms-request-server-encrypted").isEmpty()) {
            extra.put("x-ms-request-server-encrypted", "true");
        }
        relay(exchange, call.raw(), written, extra);
    }

    // --- Copy Blob from an external URL ------------------------------------------------------------------------------

    private void copyBlob(Call call, URI sourceUri) throws StorageError, IOException, InterruptedException {
        Exchange exchange = call.exchange();
        if (faults.apply(Faults.Kind.COPY_BLOB, exchange, false)) {
            return;
        }
        authenticate(call);
        if (copies.of(call.blob()).filter(c -> c.status() == ExternalCopies.Status.PENDING).isPresent()) {
            throw new StorageError(409, "PendingCopyOperation", "There is currently a pending copy operation.");
        }
        CopySource source = source(call, sourceUri);
        java.net.http.HttpHeaders properties = source.properties();
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
        Map<String, String> create = destinationConditions(exchange);
        create.put("x-ms-blob-type", "PageBlob");
        create.put("x-ms-blob-content-length", Long.toString(length));
        properties.firstValue("Content-Type").ifPresent(v -> create.put("x-ms-blob-content-type", v));
        // Copy Blob takes the caller's metadata if it names any, otherwise the source's.
        Map<String, String> metadata = metadata(call.raw().getRequestHeaders().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0), (a, b) -> a)));
        if (metadata.isEmpty()) {
            metadata = metadata(properties.map().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0), (a, b) -> a)));
        }
        create.putAll(metadata);
        String version = Objects.requireNonNullElse(exchange.header("x-ms-version"), AzuriteUpstream.DEFAULT_VERSION);
        create.put("x-ms-version", version);
        HttpResponse<byte[]> created = upstream.signed(call.account(), "PUT", call.rawPath(), create, null);
        if (created.statusCode() != 201) {
            relay(exchange, call.raw(), created, Map.of());
            return;
        }
        ExternalCopies.Copy copy = copies.start(call.account(), call.blob(), call.rawPath(), source, length, version);
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("x-ms-copy-id", copy.id);
        extra.put("x-ms-copy-status", ExternalCopies.Status.PENDING.header());
        relay(exchange, call.raw(), new StatusOverride<>(created, 202), extra);
    }

    private static Map<String, String> metadata(Map<String, String> headers) {
        Map<String, String> metadata = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith("x-ms-meta-")) {
                metadata.put(name.toLowerCase(Locale.ROOT), value);
            }
        });
        return metadata;
    }

    // --- Shared -------------------------------------------------------------------------------------------------------

    private CopySource source(Call call, URI uri) {
        // A source in this Azurite is read from Azurite directly; a SAS does not sign the host, so it stays valid.
        URI readVia = isExternal(uri) ? uri : upstream.uri(uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        String authorization = call.exchange().header("x-ms-copy-source-authorization");
        return new CopySource(outbound, uri, readVia, authorization, call.exchange().header("x-ms-version"));
    }

    private static Map<String, String> destinationConditions(Exchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : DESTINATION_CONDITIONS) {
            String value = exchange.header(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        String version = exchange.header("x-ms-version");
        if (version != null) {
            headers.put("x-ms-version", version);
        }
        return headers;
    }

    /**
     * Lets a request through only as Azure would: a valid Shared Key signature of this very request, or a SAS that
     * Azurite accepts for the destination (checked with a Get Blob Properties carrying the caller's SAS).
     */
    private void authenticate(Call call) throws StorageError, IOException, InterruptedException {
        Exchange exchange = call.exchange();
        String authorization = exchange.header("Authorization");
        if (authorization != null) {
            URI requestUri = URI.create("http://" + HOST + ":" + port() + call.rawPathAndQuery());
            if (upstream.validSharedKey(call.account(), requestUri, call.raw().getRequestMethod(),
                    call.raw().getRequestHeaders(), authorization)) {
                return;
            }
            throw new StorageError(403, "AuthenticationFailed", "Server failed to authenticate the request. Make sure "
                    + "the value of Authorization header is formed correctly including the signature.");
        }
        if (exchange.query("sig") != null) {
            String sas = exchange.queryParameters().keySet().stream()
                    .filter(k -> !Set.of("comp", "copyid", "timeout").contains(k))
                    .map(k -> k + "=" + java.net.URLEncoder.encode(exchange.query(k),
                            java.nio.charset.StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            HttpResponse<InputStream> probe = upstream.forward("HEAD", call.rawPath() + "?" + sas, Map.of(),
                    InputStream.nullInputStream(), 0);
            probe.body().close();
            if (probe.statusCode() == 401 || probe.statusCode() == 403) {
                throw new StorageError(403, "AuthenticationFailed",
                        "Server failed to authenticate the request: the SAS was refused.");
            }
            return;
        }
        throw new StorageError(401, "NoAuthenticationInformation",
                "Server failed to authenticate the request. Please refer to the information in the www-authenticate "
                        + "header.");
    }

    // --- Pass-through -------------------------------------------------------------------------------------------------

    private void passThrough(Call call, String comp) throws IOException, InterruptedException {
        HttpExchange raw = call.raw();
        String method = raw.getRequestMethod();
        Headers headers = raw.getRequestHeaders();
        long contentLength = requestLength(headers);
        HttpResponse<InputStream> response = upstream.forward(method, call.rawPathAndQuery(), headers,
                raw.getRequestBody(), contentLength);
        int status = response.statusCode();
        Map<String, String> extra = Map.of();
        if (call.onBlob() && comp == null) {
            if (("GET".equals(method) || "HEAD".equals(method)) && (status == 200 || status == 206)) {
                extra = copies.of(call.blob()).map(ExternalCopies.Copy::headers).orElse(Map.of());
            } else if (("DELETE".equals(method) && status == 202)
                    || ("PUT".equals(method) && status == 201 && headers.getFirst("x-ms-copy-source") == null)) {
                // A deleted or replaced blob loses its copy properties, and a copy into it stops.
                copies.forget(call.blob());
                bandwidth.forget(call.blob());
            }
        }
        Headers out = raw.getResponseHeaders();
        copyHeaders(response.headers(), out);
        extra.forEach(out::set);
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        try (InputStream body = response.body()) {
            if ("HEAD".equals(method) || status == 204 || status == 304) {
                if ("HEAD".equals(method) && length >= 0) {
                    // The JDK server leaves a HEAD's Content-Length alone when told there is no body.
                    out.set("Content-Length", Long.toString(length));
                }
                raw.sendResponseHeaders(status, -1);
            } else if (length == 0) {
                raw.sendResponseHeaders(status, -1);
            } else {
                // Streams the body; 0 makes the JDK server send it chunked when Azurite gave no length.
                raw.sendResponseHeaders(status, Math.max(length, 0));
                try (OutputStream to = raw.getResponseBody()) {
                    body.transferTo(to);
                }
            }
        }
    }

    private static long requestLength(Headers headers) {
        String length = headers.getFirst("Content-Length");
        if (length != null) {
            return Long.parseLong(length.trim());
        }
        return headers.getFirst("Transfer-Encoding") != null ? -1 : 0;
    }

    private static void copyHeaders(java.net.http.HttpHeaders from, Headers to) {
        from.map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                to.put(name, values);
            }
        });
    }

    private static void relay(Exchange exchange, HttpExchange raw, HttpResponse<byte[]> response,
            Map<String, String> extra) throws IOException {
        copyHeaders(response.headers(), raw.getResponseHeaders());
        extra.forEach(raw.getResponseHeaders()::set);
        byte[] body = response.body();
        exchange.send(response.statusCode(), null, body == null || body.length == 0 ? null : body);
    }

    private static void reply(Exchange exchange, StorageError error) {
        if (exchange.answered()) {
            return;
        }
        try {
            error.send(exchange);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Could not send an error answer: the caller has gone", e);
        }
    }

    /** Azurite's answer to the front's own request, under the status Azure gives the caller's operation. */
    private record StatusOverride<T>(HttpResponse<T> delegate, int status) implements HttpResponse<T> {
        @Override public int statusCode() { return status; }
        @Override public java.net.http.HttpRequest request() { return delegate.request(); }
        @Override public java.util.Optional<HttpResponse<T>> previousResponse() { return delegate.previousResponse(); }
        @Override public java.net.http.HttpHeaders headers() { return delegate.headers(); }
        @Override public T body() { return delegate.body(); }
        @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return delegate.sslSession(); }
        @Override public URI uri() { return delegate.uri(); }
        @Override public HttpClient.Version version() { return delegate.version(); }
    }

    /** Chooses the faults and the outbound trust before starting the front. */
    public static final class Builder {

        private final Azurite azurite;
        private SSLContext outboundTls;
        private Faults faults = new Faults();

        private Builder(Azurite azurite) {
            this.azurite = Objects.requireNonNull(azurite, "azurite");
        }

        /** Trusts copy sources with this context (e.g. one that trusts the Azure fake); the JVM default otherwise. */
        public Builder outboundTls(SSLContext context) {
            this.outboundTls = context;
            return this;
        }

        /** Trusts copy sources whose certificate is in this PKCS12 trust store (the Azure fake's, for instance). */
        public Builder trustStore(Path trustStore, String password) {
            try (InputStream in = Files.newInputStream(trustStore)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password.toCharArray());
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                this.outboundTls = context;
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read the trust store " + trustStore, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("Not a usable PKCS12 trust store: " + trustStore, e);
            }
        }

        /** The faults the front injects (shared with the other fakes); none by default. */
        public Builder faults(Faults faults) {
            this.faults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** Starts listening on a free loopback port. */
        public StorageFront start() {
            try {
                return new StorageFront(azurite, outboundTls, faults);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the storage front", e);
            }
        }
    }
}
