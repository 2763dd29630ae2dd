package dev.ferry.localcloud.azure.storage;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.localcloud.azure.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Writes the front's answers: Azurite's, relayed with the headers the front adds, and the front's own errors. */
final class ResponseRelay {

    private static final System.Logger LOG = System.getLogger(StorageFront.class.getName());
    private static final Set<String> HOP_BY_HOP = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "date");

    private ResponseRelay() {
    }

    /** Azurite's answer to the front's own request, under the status Azure gives the caller's operation. */
    static void relay(FrontRequest request, HttpResponse<byte[]> response, int status, Map<String, String> extra)
            throws IOException {
        Headers out = request.raw().getResponseHeaders();
        copyHeaders(response.headers(), out);
        extra.forEach(out::set);
        byte[] body = response.body();
        request.exchange().send(status, null, body == null || body.length == 0 ? null : body);
    }

    /** Azurite's answer to the caller's own request, its body streamed. */
    static void stream(HttpExchange raw, HttpResponse<InputStream> response, Map<String, String> extra)
            throws IOException {
        String method = raw.getRequestMethod();
        int status = response.statusCode();
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

    /** The error as Azure Storage words it, unless the request has been answered already. */
    static void error(Exchange exchange, StorageError error) {
        if (exchange.answered()) {
            return;
        }
        try {
            error.send(exchange);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Could not send an error answer: the caller has gone", e);
        }
    }

    private static void copyHeaders(HttpHeaders from, Headers to) {
        from.map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                to.put(name, values);
            }
        });
    }
}
