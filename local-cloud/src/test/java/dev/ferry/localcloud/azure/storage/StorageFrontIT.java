package dev.ferry.localcloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.policy.AddHeadersFromContextPolicy;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.PageBlobItem;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.models.PageRangeItem;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azure.TlsMaterial;
import dev.ferry.localcloud.azurite.Azurite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageFrontIT {

    private static final String ACCOUNT = "regionb";
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final String SOURCE_SIG = "c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path tlsDir;

    private static Azurite azurite;
    private static TlsMaterial tls;
    private static final Faults FAULTS = new Faults();
    private static StorageFront front;
    private static SasSource sasSource;
    private static BlobServiceClient service;

    private BlobContainerClient container;

    @BeforeAll
    static void start() throws IOException {
        azurite = Azurite.builder().account(ACCOUNT).start();
        tls = TlsMaterial.create(tlsDir);
        front = StorageFront.builder(azurite).trustStore(tls.trustStore(), tls.trustStorePassword()).faults(FAULTS)
                .start();
        sasSource = new SasSource(tls);
        service = new BlobServiceClientBuilder().connectionString(front.connectionString(ACCOUNT)).buildClient();
    }

    @AfterAll
    static void stop() {
        if (sasSource != null) {
            sasSource.close();
        }
        if (front != null) {
            front.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void freshContainer() {
        container = service.createBlobContainer("c" + UUID.randomUUID().toString().replace("-", ""));
    }

    @AfterEach
    void clearFaults() {
        FAULTS.clear();
    }

    @Test
    void passesOrdinaryRequestsThrough() {
        assertThat(front.blobEndpoint(ACCOUNT)).isEqualTo("http://127.0.0.1:" + front.port() + "/" + ACCOUNT);
        PageBlobClient blob = pageBlob("plain", 8 * MIB);
        byte[] first = random(3 * 512, 1);
        byte[] second = random((int) (64 * KIB), 2);
        blob.uploadPages(new PageRange().setStart(1536).setEnd(1536 + first.length - 1),
                new ByteArrayInputStream(first));
        blob.uploadPages(new PageRange().setStart(5 * MIB).setEnd(5 * MIB + second.length - 1),
                new ByteArrayInputStream(second));

        assertThat(container.exists()).isTrue();
        assertThat(blob.getProperties().getBlobSize()).isEqualTo(8 * MIB);
        assertThat(download(blob, 5 * MIB, second.length)).isEqualTo(second);
        assertThat(download(blob, 1536, first.length)).isEqualTo(first);
        assertThat(writtenRanges(blob)).containsExactly(new long[] {1536, 1536 + first.length - 1},
                new long[] {5 * MIB, 5 * MIB + second.length - 1});
        assertThat(container.listBlobs().stream().map(b -> b.getName())).containsExactly("plain");
        blob.delete();
        assertThat(blob.exists()).isFalse();
    }

    @Test
    void putsPagesFromAnotherBlobOfAzurite() {
        PageBlobClient source = pageBlob("source", MIB);
        byte[] data = random((int) (128 * KIB), 3);
        source.uploadPages(new PageRange().setStart(512 * KIB).setEnd(640 * KIB - 1), new ByteArrayInputStream(data));
        String sasUrl = source.getBlobUrl() + "?" + source.generateSas(new BlobServiceSasSignatureValues(
                OffsetDateTime.now().plusHours(1), new BlobSasPermission().setReadPermission(true)));
        PageBlobClient destination = pageBlob("destination", 2 * MIB);

        PageBlobItem item = destination.uploadPagesFromUrl(
                new PageRange().setStart(MIB).setEnd(MIB + data.length - 1), sasUrl, 512 * KIB);

        assertThat(item.getETag()).isNotBlank();
        assertThat(item.getLastModified()).isNotNull();
        assertThat(item.isServerEncrypted()).isTrue();
        assertThat(download(destination, MIB, data.length)).isEqualTo(data);
        assertThat(writtenRanges(destination)).containsExactly(new long[] {MIB, MIB + data.length - 1});
    }

    @Test
    void putsPagesFromAnExternalHttpsSas() {
        PageBlobClient destination = pageBlob("from-https", 8 * MIB);
        long length = 4 * MIB;

        destination.uploadPagesFromUrl(new PageRange().setStart(2 * MIB).setEnd(2 * MIB + length - 1),
                sasSource.url(), 3 * MIB);

        assertThat(download(destination, 2 * MIB, (int) length))
                .isEqualTo(Arrays.copyOfRange(sasSource.content, (int) (3 * MIB), (int) (3 * MIB + length)));
    }

    @Test
    void refusesMisalignedAndOversizedRanges() {
        PageBlobClient destination = pageBlob("refused", 16 * MIB);
        PageRange firstPage = new PageRange().setStart(0).setEnd(511);

        // The SDK checks alignment itself, so the misaligned headers replace its own just before signing.
        assertThatThrownBy(() -> destination.uploadPagesFromUrlWithResponse(firstPage, sasSource.url(), 0L, null, null,
                null, null, withHeader("x-ms-range", "bytes=0-1000")))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> assertThat(e.getStatusCode()).isEqualTo(400));
        assertThatThrownBy(() -> destination.uploadPagesFromUrlWithResponse(firstPage, sasSource.url(), 0L, null, null,
                null, null, withHeader("x-ms-source-range", "bytes=100-611")))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> assertThat(e.getStatusCode()).isEqualTo(400));
        assertThatThrownBy(() -> destination.uploadPagesFromUrl(
                new PageRange().setStart(0).setEnd(4 * MIB + 512 - 1), sasSource.url(), 0L))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getErrorCode().toString()).isEqualTo("InvalidHeaderValue");
                });
        assertThat(writtenRanges(destination)).isEmpty();
    }

    @Test
    void reportsAnUnreadableSourceWithoutItsSas() {
        PageBlobClient destination = pageBlob("unreadable", MIB);
        PageBlobClient missing = container.getBlobClient("missing").getPageBlobClient();
        String missingSas = missing.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobSasPermission().setReadPermission(true)));
        String sig = Pattern.compile("sig=([^&]+)").matcher(missingSas).results().findFirst().orElseThrow().group(1);

        assertThatThrownBy(() -> destination.uploadPagesFromUrl(new PageRange().setStart(0).setEnd(511),
                missing.getBlobUrl() + "?" + missingSas, 0L))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getErrorCode().toString()).isEqualTo("CannotVerifyCopySource");
                    assertThat(e.getMessage()).doesNotContain(sig).doesNotContain("sig=");
                });
        assertThatThrownBy(() -> destination.uploadPagesFromUrl(new PageRange().setStart(0).setEnd(511),
                sasSource.url().replace(SOURCE_SIG, "d3Jvbmc%3D"), 0L))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getErrorCode().toString()).isEqualTo("CannotVerifyCopySource");
                    assertThat(e.getMessage()).contains("403").doesNotContain("d3Jvbmc").doesNotContain("sig=");
                });
    }

    @Test
    void refusesACallerWithTheWrongKey() {
        pageBlob("guarded", MIB);
        byte[] wrongKey = new byte[64];
        new Random(9).nextBytes(wrongKey);
        PageBlobClient intruder = new BlobServiceClientBuilder().endpoint(front.blobEndpoint(ACCOUNT))
                .credential(new StorageSharedKeyCredential(ACCOUNT, Base64.getEncoder().encodeToString(wrongKey)))
                .retryOptions(noRetries())
                .buildClient().getBlobContainerClient(container.getBlobContainerName())
                .getBlobClient("guarded").getPageBlobClient();

        assertThatThrownBy(() -> intruder.uploadPagesFromUrl(new PageRange().setStart(0).setEnd(511),
                sasSource.url(), 0L))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getErrorCode().toString()).isEqualTo("AuthenticationFailed");
                });
    }

    @Test
    void injectedServerBusyReachesTheSdk() {
        PageBlobClient destination = new BlobServiceClientBuilder().connectionString(front.connectionString(ACCOUNT))
                .retryOptions(noRetries()).buildClient()
                .getBlobContainerClient(container.getBlobContainerName()).getBlobClient("busy").getPageBlobClient();
        destination.create(MIB);
        FAULTS.inject(Faults.Kind.PUT_PAGE_FROM_URL, Faults.Fault.serverBusy(Duration.ofSeconds(2)), 1);

        assertThatThrownBy(() -> destination.uploadPagesFromUrl(new PageRange().setStart(0).setEnd(511),
                sasSource.url(), 0L))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(503);
                    assertThat(e.getErrorCode().toString()).isEqualTo("ServerBusy");
                    assertThat(e.getResponse().getHeaderValue("Retry-After")).isEqualTo("2");
                    assertThat(e.getMessage()).doesNotContain(SOURCE_SIG);
                });
        assertThat(FAULTS.served(Faults.Kind.PUT_PAGE_FROM_URL)).isEqualTo(1);
        // The next call meets no fault.
        destination.uploadPagesFromUrl(new PageRange().setStart(0).setEnd(511), sasSource.url(), 0L);
        assertThat(download(destination, 0, 512)).isEqualTo(Arrays.copyOfRange(sasSource.content, 0, 512));
    }

    @Test
    void copiesAnExternalSparseBlobWithAPendingPhase() {
        // About 1.8 MiB written at 1 MiB/s: a pending phase of about two seconds.
        FAULTS.blobBandwidth(MIB);
        BlobClient destination = container.getBlobClient("copy");

        SyncPoller<BlobCopyInfo, Void> poller = destination.beginCopy(sasSource.url(), Duration.ofMillis(100));

        List<BlobProperties> seen = new ArrayList<>();
        await(() -> {
            BlobProperties properties = destination.getProperties();
            seen.add(properties);
            return properties.getCopyStatus() != CopyStatusType.PENDING;
        });
        List<BlobProperties> pending = seen.stream().filter(p -> p.getCopyStatus() == CopyStatusType.PENDING)
                .collect(Collectors.toList());
        assertThat(pending).isNotEmpty();
        assertThat(pending).allSatisfy(p -> {
            assertThat(p.getCopyProgress()).matches("\\d+/" + sasSource.content.length);
            assertThat(p.getCopySource()).isEqualTo(sasSource.urlWithoutSas());
            assertThat(p.getCopyCompletionTime()).isNull();
        });
        BlobProperties done = seen.get(seen.size() - 1);
        assertThat(done.getCopyStatus()).isEqualTo(CopyStatusType.SUCCESS);
        assertThat(done.getCopyId()).isEqualTo(pending.get(0).getCopyId());
        assertThat(done.getCopyProgress()).isEqualTo(sasSource.content.length + "/" + sasSource.content.length);
        assertThat(done.getCopyCompletionTime()).isNotNull();
        assertThat(done.getBlobSize()).isEqualTo(sasSource.content.length);
        assertThat(poller.waitForCompletion(DEADLINE).getStatus())
                .isEqualTo(LongRunningOperationStatus.SUCCESSFULLY_COMPLETED);

        assertThat(destination.downloadContent().toBytes()).isEqualTo(sasSource.content);
        assertThat(writtenRanges(destination.getPageBlobClient())).containsExactlyElementsOf(sasSource.written);
    }

    @Test
    void aCopyOfAPageBlobOfTheSameAccountIsABlobOfItsOwnThatLaterWritesToTheSourceLeaveAlone() {
        PageBlobClient source = pageBlob("same-account-source", 2 * MIB);
        byte[] before = random((int) (64 * KIB), 11);
        source.uploadPages(new PageRange().setStart(MIB).setEnd(MIB + before.length - 1), new ByteArrayInputStream(before));
        BlobClient destination = container.getBlobClient("same-account-copy");

        assertThat(destination.beginCopy(source.getBlobUrl(), Duration.ofMillis(100)).waitForCompletion(DEADLINE).getStatus())
                .isEqualTo(LongRunningOperationStatus.SUCCESSFULLY_COMPLETED);
        byte[] after = random((int) (64 * KIB), 12);
        source.uploadPages(new PageRange().setStart(MIB).setEnd(MIB + after.length - 1), new ByteArrayInputStream(after));
        source.clearPages(new PageRange().setStart(MIB).setEnd(MIB + 4 * KIB - 1));

        assertThat(download(destination.getPageBlobClient(), MIB, before.length)).isEqualTo(before);
        assertThat(writtenRanges(destination.getPageBlobClient())).containsExactly(new long[] {MIB, MIB + before.length - 1});
    }

    @Test
    void abortsAnExternalCopy() {
        FAULTS.blobBandwidth(128 * KIB);
        BlobClient destination = container.getBlobClient("aborted");
        SyncPoller<BlobCopyInfo, Void> poller = destination.beginCopy(sasSource.url(), Duration.ofMillis(100));
        String copyId = poller.poll().getValue().getCopyId();
        assertThat(destination.getProperties().getCopyStatus()).isEqualTo(CopyStatusType.PENDING);

        destination.abortCopyFromUrl(copyId);

        BlobProperties aborted = destination.getProperties();
        assertThat(aborted.getCopyStatus()).isEqualTo(CopyStatusType.ABORTED);
        assertThat(aborted.getCopyId()).isEqualTo(copyId);
        long copied = Long.parseLong(aborted.getCopyProgress().split("/")[0]);
        assertThat(copied).isLessThan(sasSource.content.length);
        assertThatThrownBy(() -> destination.abortCopyFromUrl(copyId))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> assertThat(e.getStatusCode()).isEqualTo(409));
    }

    @Test
    void failsACopyFromARefusedSource() {
        BlobClient destination = container.getBlobClient("refused-copy");
        assertThatThrownBy(() -> destination.beginCopy(sasSource.url().replace(SOURCE_SIG, "d3Jvbmc%3D"),
                Duration.ofMillis(100)))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).doesNotContain("d3Jvbmc");
                });
        FAULTS.inject(Faults.Kind.COPY_BLOB, Faults.Fault.serverBusy(Duration.ofSeconds(1)), 1);
        BlobClient noRetry = new BlobServiceClientBuilder().connectionString(front.connectionString(ACCOUNT))
                .retryOptions(noRetries()).buildClient()
                .getBlobContainerClient(container.getBlobContainerName()).getBlobClient("busy-copy");
        assertThatThrownBy(() -> noRetry.beginCopy(sasSource.url(), Duration.ofMillis(100)))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> assertThat(e.getStatusCode()).isEqualTo(503));
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    private PageBlobClient pageBlob(String name, long size) {
        PageBlobClient blob = container.getBlobClient(name).getPageBlobClient();
        blob.create(size);
        return blob;
    }

    private static Context withHeader(String name, String value) {
        return new Context(AddHeadersFromContextPolicy.AZURE_REQUEST_HTTP_HEADERS_KEY,
                new HttpHeaders().set(HttpHeaderName.fromString(name), value));
    }

    private static RequestRetryOptions noRetries() {
        return new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Integer) null, null, null, null);
    }

    private static byte[] download(PageBlobClient blob, long offset, int length) {
        return blob.downloadContentWithResponse(null, null, new BlobRange(offset, (long) length), false, null, null)
                .getValue().toBytes();
    }

    /** The written ranges, adjacent ones merged: how Azurite splits them is no property of the data. */
    private static List<long[]> writtenRanges(PageBlobClient blob) {
        List<long[]> merged = new ArrayList<>();
        for (PageRangeItem item : blob.listPageRanges(new BlobRange(0))) {
            if (item.isClear()) {
                continue;
            }
            long start = item.getRange().getOffset();
            long end = start + item.getRange().getLength() - 1;
            if (!merged.isEmpty() && merged.get(merged.size() - 1)[1] + 1 == start) {
                merged.get(merged.size() - 1)[1] = end;
            } else {
                merged.add(new long[] {start, end});
            }
        }
        return merged;
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %s", DEADLINE).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * A sparse page blob behind an HTTPS SAS endpoint, as the Azure fake serves a granted snapshot: HEAD, ranged GET
     * and Get Page Ranges, refusing any other signature.
     */
    private static final class SasSource implements AutoCloseable {

        private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

        final byte[] content = new byte[(int) (8 * MIB)];
        final List<long[]> written = List.of(new long[] {0, 512 * KIB - 1},
                new long[] {3 * MIB, 4 * MIB + 256 * KIB - 1}, new long[] {7 * MIB - 512, 7 * MIB - 1});
        private final HttpsServer server;

        SasSource(TlsMaterial tls) throws IOException {
            long seed = 10;
            for (long[] range : written) {
                byte[] data = random((int) (range[1] - range[0] + 1), seed++);
                System.arraycopy(data, 0, content, (int) range[0], data.length);
            }
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
            server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
                Thread thread = new Thread(r, "sas-source");
                thread.setDaemon(true);
                return thread;
            }));
            server.createContext("/snapshots/disk1", this::serve);
            server.start();
        }

        String urlWithoutSas() {
            return "https://127.0.0.1:" + server.getAddress().getPort() + "/snapshots/disk1";
        }

        String url() {
            return urlWithoutSas() + "?sv=2021-12-02&sr=b&sp=r&sig=" + SOURCE_SIG;
        }

        private void serve(HttpExchange exchange) throws IOException {
            try (exchange) {
                String query = exchange.getRequestURI().getRawQuery();
                if (query == null || !query.contains("sig=" + SOURCE_SIG)) {
                    exchange.getResponseHeaders().set("x-ms-error-code", "AuthenticationFailed");
                    send(exchange, 403, "<Error><Code>AuthenticationFailed</Code></Error>".getBytes(
                            StandardCharsets.UTF_8));
                    return;
                }
                exchange.getResponseHeaders().set("x-ms-blob-type", "PageBlob");
                exchange.getResponseHeaders().set("ETag", "\"0x1\"");
                if ("HEAD".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                    exchange.getResponseHeaders().set("Content-Length", Integer.toString(content.length));
                    exchange.sendResponseHeaders(200, -1);
                } else if (query.contains("comp=pagelist")) {
                    String ranges = written.stream().map(r -> "<PageRange><Start>" + r[0] + "</Start><End>" + r[1]
                            + "</End></PageRange>").collect(Collectors.joining());
                    send(exchange, 200, ("<?xml version=\"1.0\" encoding=\"utf-8\"?><PageList>" + ranges
                            + "</PageList>").getBytes(StandardCharsets.UTF_8));
                } else {
                    String header = exchange.getRequestHeaders().getFirst("x-ms-range");
                    Matcher m = RANGE.matcher(header == null ? "" : header);
                    if (!m.matches()) {
                        send(exchange, 200, content);
                        return;
                    }
                    int start = Integer.parseInt(m.group(1));
                    int end = Math.min(Integer.parseInt(m.group(2)), content.length - 1);
                    if (start >= content.length) {
                        send(exchange, 416, new byte[0]);
                        return;
                    }
                    send(exchange, 206, Arrays.copyOfRange(content, start, end + 1));
                }
            }
        }

        private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
