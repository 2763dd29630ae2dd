package dev.ferry.localcloud.azure.storage;

import com.azure.core.http.HttpHeaders;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.ferry.localcloud.azurite.Azurite;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The front's side of Azurite: passes requests through unchanged and signs the front's own requests with Shared Key. */
final class AzuriteUpstream {

    /** The REST version of the front's own requests when the caller named none; Azurite skips the version check. */
    static final String DEFAULT_VERSION = "2021-12-02";

    // The JDK client sets these itself (or refuses them); hop-by-hop headers must not be forwarded anyway.
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "proxy-authorization");

    private final Azurite azurite;
    private final HttpClient client;
    private final Map<String, StorageSharedKeyCredential> credentials = new LinkedHashMap<>();

    AzuriteUpstream(Azurite azurite, HttpClient client) {
        this.azurite = azurite;
        this.client = client;
        for (Azurite.Account account : azurite.accounts()) {
            credentials.put(account.name(), new StorageSharedKeyCredential(account.name(), account.key()));
        }
    }

    boolean knows(String account) {
        return credentials.containsKey(account);
    }

    int port() {
        return azurite.port();
    }

    URI uri(String rawPathAndQuery) {
        return URI.create("http://127.0.0.1:" + azurite.port() + rawPathAndQuery);
    }

    /** Sends the caller's request on to Azurite byte for byte, so that its Shared Key or SAS signature still holds. */
    HttpResponse<InputStream> forward(String method, String rawPathAndQuery, Map<String, List<String>> headers,
            InputStream body, long contentLength) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(rawPathAndQuery));
        headers.forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : values) {
                    try {
                        request.header(name, value);
                    } catch (IllegalArgumentException restricted) {
                        // A header the JDK client refuses (e.g. Date on old JDKs); Shared Key signs x-ms-date instead.
                    }
                }
            }
        });
        if (contentLength == 0) {
            return sendAgainIfClosed(request.method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        }
        // A streamed body cannot be sent twice. With its declared length, which is what the caller signed.
        HttpRequest.BodyPublisher publisher = contentLength > 0
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), contentLength)
                : HttpRequest.BodyPublishers.ofInputStream(() -> body);
        return client.send(request.method(method, publisher).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Sends a request of the front's own, signed with the account's key (the caller's signature covers another request). */
    HttpResponse<byte[]> signed(String account, String method, String rawPathAndQuery, Map<String, String> headers,
            byte[] body) throws IOException, InterruptedException {
        StorageSharedKeyCredential credential = credential(account);
        URI uri = uri(rawPathAndQuery);
        HttpHeaders signedHeaders = new HttpHeaders();
        headers.forEach(signedHeaders::set);
        signedHeaders.set("x-ms-date", dev.ferry.localcloud.azure.Exchange.HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        if (signedHeaders.getValue("x-ms-version") == null) {
            signedHeaders.set("x-ms-version", DEFAULT_VERSION);
        }
        // Always present: the SDK signs an absent Content-Length differently from Azurite, which sees the "0" sent.
        signedHeaders.set("Content-Length", Integer.toString(body == null ? 0 : body.length));
        signedHeaders.set("Authorization", credential.generateAuthorizationHeader(toUrl(uri), method, signedHeaders,
                false));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        signedHeaders.stream()
                .filter(h -> !NOT_FORWARDED.contains(h.getName().toLowerCase(Locale.ROOT)))
                .forEach(h -> request.header(h.getName(), h.getValue()));
        HttpRequest.BodyPublisher publisher = body == null || body.length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        return sendAgainIfClosed(request.method(method, publisher).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Sends a request whose body can be sent again, once more on a new connection if the first attempt failed on
     * its connection. Azurite closes a connection after 5 s idle whatever its keep-alive flag says (its
     * {@code --blobKeepAliveTimeout} is read under another name), the JDK client pools it for far longer, and a
     * request sent as the close arrives fails: a 500 from the front that Azure would never have answered. The JDK
     * client sends GET and HEAD again itself, other methods not.
     */
    private <T> HttpResponse<T> sendAgainIfClosed(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        try {
            return client.send(request, body);
        } catch (HttpTimeoutException e) {
            throw e;
        } catch (IOException closed) {
            return client.send(request, body);
        }
    }

    /**
     * Whether {@code authorization} is the Shared Key signature of this request for the account: the check Azure
     * makes, done here because the front answers some requests without passing them to Azurite.
     */
    boolean validSharedKey(String account, URI requestUri, String method, Map<String, List<String>> headers,
            String authorization) {
        StorageSharedKeyCredential credential = credentials.get(account);
        if (credential == null || authorization == null) {
            return false;
        }
        HttpHeaders signedHeaders = new HttpHeaders();
        headers.forEach((name, values) -> signedHeaders.set(name, String.join(",", values)));
        String expected = credential.generateAuthorizationHeader(toUrl(requestUri), method, signedHeaders, false);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                authorization.trim().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code source} (a blob of {@code account} in this Azurite, named by its path) with a read SAS of a few
     * minutes signed by the account's key, so that a copy can read it as the account itself would.
     */
    URI withReadSas(String account, URI source) {
        String[] parts = source.getRawPath().substring(1).split("/", 3);
        String container = java.net.URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        String blob = java.net.URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
        String sas = new com.azure.storage.blob.BlobClientBuilder().endpoint(uri("/" + account).toString())
                .credential(credential(account)).containerName(container).blobName(blob).buildClient()
                .generateSas(new com.azure.storage.blob.sas.BlobServiceSasSignatureValues(
                        java.time.OffsetDateTime.now().plusMinutes(15),
                        new com.azure.storage.blob.sas.BlobSasPermission().setReadPermission(true)));
        return URI.create(source.getScheme() + "://" + source.getRawAuthority() + source.getRawPath() + "?" + sas);
    }

    private StorageSharedKeyCredential credential(String account) {
        StorageSharedKeyCredential credential = credentials.get(account);
        if (credential == null) {
            throw new IllegalArgumentException("No storage account '" + account + "' in " + azurite);
        }
        return credential;
    }

    private static URL toUrl(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Not a URL: " + uri.getPath(), e);
        }
    }
}
