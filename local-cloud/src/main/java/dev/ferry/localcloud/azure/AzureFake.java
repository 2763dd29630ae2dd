package dev.ferry.localcloud.azure;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.ferry.localcloud.azure.compute.ComputeApi;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.Operations;
import dev.ferry.localcloud.azure.compute.VhdReader;
import dev.ferry.localcloud.azure.dataplane.SasDataPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A stateful fake of Azure for Ferry's tests and local run, over HTTPS on 127.0.0.1: the token
 * endpoint, the Compute Resource Manager API (disks, snapshots, access grants, long-running
 * operations) and the managed-disk SAS data plane. The Azure SDK for Java talks to it unchanged;
 * only the endpoints, the credential and the trust store differ from production.
 */
public final class AzureFake implements AutoCloseable {

    static {
        // The JDK's HTTP server writes an answer's headers and body apart; with Nagle's algorithm on, a small
        // answer then waits for the client's delayed ACK, about 40 ms a request. Azure answers at once.
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    /** The tenant and the one service principal the fake knows unless told otherwise. */
    public static final String TENANT_ID = "72f988bf-0000-4000-8000-00000000f000";
    public static final String CLIENT_ID = "ferry-local";
    // Not a secret: it guards nothing but a loopback-only fake.
    public static final String CLIENT_SECRET = "ferry-local-not-a-secret";

    private static final Logger LOG = Logger.getLogger(AzureFake.class.getName());

    private final HttpsServer server;
    private final ExecutorService executor;
    private final TlsMaterial tls;
    private final ComputeState compute;
    private final Operations operations;
    private final Faults faults;
    private final TokenEndpoint tokens;
    private final ComputeApi computeApi;
    private final SasDataPlane dataPlane;
    private final ArmThrottle throttle = new ArmThrottle(System::nanoTime);
    private final ArmRequestLog armRequests = new ArmRequestLog(Clock.systemUTC());

    private AzureFake(HttpsServer server, ExecutorService executor, TlsMaterial tls, ComputeState compute,
                      Operations operations, Faults faults, TokenEndpoint tokens, ComputeApi computeApi, SasDataPlane dataPlane) {
        this.server = server;
        this.executor = executor;
        this.tls = tls;
        this.compute = compute;
        this.operations = operations;
        this.faults = faults;
        this.tokens = tokens;
        this.computeApi = computeApi;
        this.dataPlane = dataPlane;
    }

    /**
     * Starts the fake on a free port with a new certificate, reading Import sources through the
     * Blob SDK, with operations that complete within their request (see {@link Operations#delay}).
     */
    public static AzureFake start() {
        return start(0, new BlobVhdReader(), Duration.ZERO);
    }

    /**
     * Starts the fake.
     *
     * @param port           the port, 0 for a free one
     * @param vhdReader      how Import reads a VHD from a storage account
     * @param operationDelay how long every long-running operation takes; zero answers at once
     *                       (200 with the final state, as ARM may), more makes clients poll
     */
    public static AzureFake start(int port, VhdReader vhdReader, Duration operationDelay) {
        try {
            TlsMaterial tls = TlsMaterial.forThisJvm();
            Clock clock = Clock.systemUTC();
            Faults faults = new Faults();
            ComputeState compute = new ComputeState(clock, vhdReader);
            Operations operations = new Operations(operationDelay);
            TokenEndpoint tokens = new TokenEndpoint(TENANT_ID, faults, clock);
            tokens.registerClient(CLIENT_ID, CLIENT_SECRET);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
            String origin = "https://127.0.0.1:" + server.getAddress().getPort();
            ComputeApi computeApi = new ComputeApi(compute, operations, faults,
                    grant -> origin + SasDataPlane.sasPathAndQuery(grant));
            SasDataPlane dataPlane = new SasDataPlane(compute, faults);
            AtomicInteger threads = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(16, runnable -> {
                Thread thread = new Thread(runnable, "fake-azure-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            AzureFake fake = new AzureFake(server, executor, tls, compute, operations, faults, tokens, computeApi, dataPlane);
            server.createContext("/", exchange -> fake.route(identified(new Exchange(exchange))));
            server.setExecutor(executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Azure fake", e);
        }
    }

    /**
     * Every answer of Resource Manager names the request ({@code x-ms-request-id}) and the operation it
     * belongs to ({@code x-ms-correlation-request-id}: the caller's, if it sent one, else a new id), as
     * <a href="https://learn.microsoft.com/rest/api/azure/#request-and-response-headers">Azure's REST
     * conventions</a> describe; support cases and Ferry's logs can then point at one call.
     */
    static Exchange identified(Exchange exchange) {
        String correlation = exchange.header("x-ms-correlation-request-id");
        return exchange.header("x-ms-request-id", UUID.randomUUID().toString())
                .header("x-ms-correlation-request-id", correlation != null ? correlation : UUID.randomUUID().toString());
    }

    private void route(Exchange exchange) throws IOException {
        String path = exchange.path();
        boolean arm = path.toLowerCase(Locale.ROOT).startsWith("/subscriptions/");
        if (arm) {
            Instant arrived = armRequests.arrival();
            exchange.onAnswer(() -> armRequests.record(arrived, exchange));
        }
        try {
            if (tokens.handles(path)) {
                tokens.handle(exchange);
            } else if (path.startsWith("/" + SasDataPlane.ACCOUNT + "/")) {
                dataPlane.handle(exchange);
            } else if (arm) {
                resourceManager(exchange);
            } else {
                exchange.sendArmError(404, "NotFound", "The fake serves no '" + path + "'.");
            }
        } catch (Exchange.DropConnection e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            LOG.log(Level.WARNING, "fake Azure failed on " + exchange.method() + " " + exchange.path(), e);
            if (!exchange.answered()) {
                exchange.sendArmError(500, "InternalServerError", "The fake failed: " + e.getClass().getSimpleName());
            }
        }
    }

    /** ARM's front door: the bearer token first, then the subscription's request limits, then the Compute API. */
    private void resourceManager(Exchange exchange) throws IOException {
        if (!tokens.authorizes(exchange.header("Authorization"))) {
            exchange.header("WWW-Authenticate", "Bearer authorization_uri=\"" + endpoint() + tokens.tenantId()
                    + "\", error=\"invalid_token\", error_description=\"The access token is missing or invalid.\"");
            exchange.sendArmError(401, "InvalidAuthenticationToken", "The access token is missing or invalid.");
            return;
        }
        String[] segments = exchange.path().replaceAll("^/+", "").split("/");
        String subscription = segments.length > 1 ? segments[1] : "";
        if (throttle.admit(exchange, subscription)) {
            computeApi.handle(exchange);
        }
    }

    /** The fake's base URL, {@code https://127.0.0.1:<port>/}: the Resource Manager, management and login endpoint at once. */
    public String endpoint() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The PKCS12 trust store holding the fake's certificate, for {@code javax.net.ssl.trustStore}. */
    public Path trustStore() {
        return tls.trustStore();
    }

    public String trustStorePassword() {
        return tls.trustStorePassword();
    }

    public TlsMaterial tls() {
        return tls;
    }

    /** The Compute state: also the seeding API for tests and the local run. */
    public ComputeState compute() {
        return compute;
    }

    public Faults faults() {
        return faults;
    }

    /** The long-running operations, e.g. to make them slower. */
    public Operations operations() {
        return operations;
    }

    public TokenEndpoint tokens() {
        return tokens;
    }

    /** The Compute API, e.g. to set the bandwidth of CopyStart. */
    public ComputeApi computeApi() {
        return computeApi;
    }

    /**
     * How many writes (PUT, PATCH, POST) each subscription may make: a bucket of {@code writes} that refills over
     * {@code window}. Azure's own is 200 over 20 s (10 a second); the default is a thousand times that.
     */
    public void armWriteBudget(int writes, Duration window) {
        throttle.budget(ArmThrottle.Kind.WRITE, new ArmThrottle.Budget(writes, window));
    }

    /** How many reads (GET, operation polls included) each subscription may make; Azure's own is 250 over 10 s. */
    public void armReadBudget(int reads, Duration window) {
        throttle.budget(ArmThrottle.Kind.READ, new ArmThrottle.Budget(reads, window));
    }

    /** How many deletes each subscription may make; Azure counts them apart from writes, 200 over 20 s. */
    public void armDeleteBudget(int deletes, Duration window) {
        throttle.budget(ArmThrottle.Kind.DELETE, new ArmThrottle.Budget(deletes, window));
    }

    /** The last Resource Manager requests, oldest first, with their arrival, status and Retry-After. */
    public List<ArmRequestLog.ArmRequest> armRequests() {
        return armRequests.requests();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        operations.close();
    }
}
