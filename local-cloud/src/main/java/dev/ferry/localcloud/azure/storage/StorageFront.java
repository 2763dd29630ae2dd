package dev.ferry.localcloud.azure.storage;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azurite.Azurite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private static final String HOST = "127.0.0.1";

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ExternalCopies copies;
    private final Azurite azurite;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StorageFront(Azurite azurite, SSLContext outboundTls, Faults faults) throws IOException {
        this.azurite = azurite;
        HttpClient.Builder client = HttpClient.newBuilder()
                // Azurite speaks HTTP/1.1 only; asking for h2c would add Upgrade headers to every request.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (outboundTls != null) {
            client.sslContext(outboundTls);
        }
        HttpClient outbound = client.build();
        AzuriteUpstream upstream = new AzuriteUpstream(azurite, outbound);
        BlobBandwidth bandwidth = new BlobBandwidth(faults);
        this.copies = new ExternalCopies(upstream, bandwidth);
        this.handlers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "storage-front");
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(HOST), 0), 0);
        CallerAuthenticator authenticator = new CallerAuthenticator(upstream, origin());
        CopySources sources = new CopySources(upstream, outbound, port());
        server.setExecutor(handlers);
        server.createContext("/", new BlobRouter(upstream, sources,
                new ServerSideCopies(faults, authenticator, sources, upstream, bandwidth, copies),
                new PassThrough(faults, upstream, copies, bandwidth)));
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

    private String origin() {
        return "http://" + HOST + ":" + port();
    }

    /** The blob endpoint of an account through the front, path-style like Azurite's. */
    public String blobEndpoint(String account) {
        azurite.account(account);
        return origin() + "/" + account;
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
        return "StorageFront[" + origin() + " -> " + azurite + "]";
    }

    /** Where an exception was thrown, for a log line that must not carry its message (a URL in it may hold a SAS). */
    static String firstFrame(Throwable e) {
        StackTraceElement[] frames = e.getStackTrace();
        return frames.length == 0 ? "?" : frames[0].toString();
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
