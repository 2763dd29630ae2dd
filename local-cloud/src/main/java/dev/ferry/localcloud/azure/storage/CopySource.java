package dev.ferry.localcloud.azure.storage;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The blob named by {@code x-ms-copy-source}, read over HTTP(S) with the SAS or bearer token the caller gave. */
final class CopySource {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern PAGE_RANGE =
            Pattern.compile("<PageRange>\\s*<Start>(\\d+)</Start>\\s*<End>(\\d+)</End>\\s*</PageRange>");
    private static final Pattern NEXT_MARKER = Pattern.compile("<NextMarker>([^<]+)</NextMarker>");
    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]+)</Code>");

    private final HttpClient client;
    private final URI uri;
    private final String redacted;
    private final String authorization;
    private final String version;

    /**
     * @param uri where to read, SAS included
     * @param readVia the URI actually requested: the same path and query, perhaps on another host (Azurite for a
     *        source that names the front)
     */
    CopySource(HttpClient client, URI uri, URI readVia, String authorization, String version) {
        this.client = client;
        this.uri = readVia;
        this.redacted = redact(uri);
        this.authorization = authorization;
        this.version = version == null ? AzuriteUpstream.DEFAULT_VERSION : version;
    }

    /** Parses the header value; a relative or non-HTTP URL is refused as Azure does. */
    static URI parse(String header) throws StorageError {
        try {
            URI uri = new URI(header.trim());
            String scheme = uri.getScheme();
            if (uri.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                throw StorageError.invalidHeader("x-ms-copy-source", "Expected an absolute http(s) URL.");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw StorageError.invalidHeader("x-ms-copy-source", "Not a URL.");
        }
    }

    /** The URL without its query: the only form in which a source may appear in answers and logs (no SAS). */
    static String redact(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }

    String redacted() {
        return redacted;
    }

    /** Get Blob Properties on the source: its response headers. */
    java.net.http.HttpHeaders properties() throws StorageError, InterruptedException {
        return send("HEAD", uri, null).headers();
    }

    /** The bytes of {@code range}; fails unless the source serves exactly that many. */
    byte[] read(ByteRange range) throws StorageError, InterruptedException {
        HttpResponse<byte[]> response = send("GET", uri, range);
        if (response.body().length != range.length()) {
            throw new StorageError(416, "InvalidRange", "The range specified is invalid for the current size of the "
                    + "copy source: " + range.header() + " of " + redacted + " returned " + response.body().length
                    + " bytes.");
        }
        return response.body();
    }

    /** Get Page Ranges: the source's written ranges, in order. */
    List<ByteRange> pageRanges() throws StorageError, InterruptedException {
        List<ByteRange> ranges = new ArrayList<>();
        String marker = null;
        do {
            String query = "comp=pagelist" + (marker == null ? "" : "&marker="
                    + java.net.URLEncoder.encode(marker, StandardCharsets.UTF_8));
            String raw = uri.getRawQuery();
            URI list = URI.create(redact(uri) + "?" + (raw == null || raw.isEmpty() ? query : raw + "&" + query));
            String xml = new String(send("GET", list, null).body(), StandardCharsets.UTF_8);
            Matcher m = PAGE_RANGE.matcher(xml);
            while (m.find()) {
                ranges.add(new ByteRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
            Matcher next = NEXT_MARKER.matcher(xml);
            marker = next.find() ? next.group(1) : null;
        } while (marker != null);
        ranges.sort(java.util.Comparator.comparingLong(ByteRange::start));
        return ranges;
    }

    private HttpResponse<byte[]> send(String method, URI target, ByteRange range)
            throws StorageError, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(TIMEOUT).header("x-ms-version", version);
        if (range != null) {
            request.header("x-ms-range", range.header()).header("Range", range.header());
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // The exception text may hold the URL, SAS included: report only its type.
            throw new StorageError(500, "CannotVerifyCopySource", "Could not reach the copy source " + redacted + ": "
                    + e.getClass().getSimpleName());
        }
        int status = response.statusCode();
        if (status == 416) {
            throw new StorageError(416, "InvalidRange",
                    "The range specified is invalid for the current size of the copy source " + redacted + ".");
        }
        if (status / 100 != 2) {
            String code = response.headers().firstValue("x-ms-error-code").orElseGet(() -> errorCode(response.body()));
            // Azure answers with the source's status, so a caller can tell a missing source (404) from a refused SAS (403).
            int answer = status == 429 || status >= 500 ? 500 : status;
            throw new StorageError(answer, "CannotVerifyCopySource", "Could not verify the copy source " + redacted
                    + ": it answered " + status + (code.isEmpty() ? "" : " " + code) + ".");
        }
        return response;
    }

    private static String errorCode(byte[] body) {
        Matcher m = ERROR_CODE.matcher(new String(body, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "";
    }
}
