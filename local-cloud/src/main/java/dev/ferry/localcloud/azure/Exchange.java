package dev.ferry.localcloud.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP request to a fake and its answer: the few things the fakes read and write, over the JDK's server. */
public final class Exchange {

    /**
     * An HTTP date as Azure sends it (RFC 7231's IMF-fixdate, {@code Tue, 01 Dec 2026 21:00:00 GMT}): two-digit
     * days. {@code DateTimeFormatter.RFC_1123_DATE_TIME} writes {@code 1 Dec}, which the Azure SDK logs as an
     * invalid date at ERROR on every response.
     */
    public static final java.time.format.DateTimeFormatter HTTP_DATE = java.time.format.DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US).withZone(java.time.ZoneOffset.UTC);

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange exchange;
    private final Map<String, String> query;
    private byte[] body;
    private boolean answered;
    private int status;
    private Runnable onAnswer = () -> { };

    public Exchange(HttpExchange exchange) {
        this.exchange = exchange;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The decoded path. */
    public String path() {
        return exchange.getRequestURI().getPath();
    }

    public URI uri() {
        return exchange.getRequestURI();
    }

    /** A query parameter, decoded; names compared without case as Azure does. */
    public String query(String name) {
        return query.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public Map<String, String> queryParameters() {
        return query;
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    public byte[] body() throws IOException {
        if (body == null) {
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
        }
        return body;
    }

    public JsonNode json() throws IOException {
        byte[] bytes = body();
        return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    }

    /** The scheme, host and port this request came in on, e.g. {@code https://127.0.0.1:4433}. */
    public String origin(String scheme) {
        String host = header("Host");
        if (host == null) {
            host = exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort();
        }
        return scheme + "://" + host;
    }

    public Exchange header(String name, String value) {
        exchange.getResponseHeaders().add(name, value);
        return this;
    }

    public boolean answered() {
        return answered;
    }

    /** The status this request was answered with; 0 while it has no answer. */
    public int status() {
        return status;
    }

    /** Runs {@code action} just before the answer goes out, once its status and headers are set. */
    public void onAnswer(Runnable action) {
        this.onAnswer = action;
    }

    /** A header of the answer, as set so far. */
    public String responseHeader(String name) {
        return exchange.getResponseHeaders().getFirst(name);
    }

    public void send(int status, String contentType, byte[] bytes) throws IOException {
        answered = true;
        this.status = status;
        onAnswer.run();
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        boolean noBody = bytes == null || "HEAD".equals(method()) || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody && bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    /** Answers a HEAD: the headers describe a body of {@code length} bytes that is not sent. */
    /**
     * Announces the whole body but sends only its first {@code sentBytes} and drops the connection: a
     * download that breaks off mid-body, as a network fault or a server reset does. Throws
     * {@link DropConnection}, which the server's dispatcher lets through so that the HTTP server closes
     * the connection at once (a handler that merely stops writing would leave the client waiting).
     */
    public void sendCut(int status, String contentType, byte[] bytes, int sentBytes) throws IOException {
        answered = true;
        this.status = status;
        onAnswer.run();
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes, 0, Math.min(sentBytes, bytes.length));
        out.flush();
        throw new DropConnection();
    }

    /** Thrown out of a handler to have the HTTP server drop the connection mid-answer. */
    public static final class DropConnection extends RuntimeException {
        DropConnection() {
            super("connection dropped on purpose (injected fault)", null, false, false);
        }
    }

    public void sendHead(int status, long length) throws IOException {
        answered = true;
        this.status = status;
        onAnswer.run();
        exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    public void sendJson(int status, JsonNode node) throws IOException {
        send(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(node));
    }

    public void sendEmpty(int status) throws IOException {
        send(status, null, null);
    }

    /** ARM's error body: {@code {"error": {"code": ..., "message": ...}}}. */
    public void sendArmError(int status, String code, String message) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        header("x-ms-error-code", code);
        sendJson(status, root);
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> result = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return result;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            result.put(key.toLowerCase(java.util.Locale.ROOT), value);
        }
        return result;
    }
}
