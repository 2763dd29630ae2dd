package dev.ferry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A service on loopback: its REST API, JSON in and out, whose {@code /api} calls carry the caller's bearer token, and its
 * management interface ({@code /q/health}, {@code /q/metrics}), on a port of its own.
 */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An answer: its status and JSON body. */
    record Answer(int status, JsonNode body) {
    }

    private final String base;
    private final String management;
    private final String token;

    /**
     * @param management the base URL of the management interface, where {@code /q/...} paths go
     * @param token      the bearer token of the caller, as its cluster issued it
     */
    Api(String base, String management, String token) {
        this.base = base;
        this.management = management;
        this.token = token;
    }

    String base() {
        return base;
    }

    /** The base URL of the management interface ({@code /q/health}, {@code /q/metrics}, {@code /q/openapi}). */
    String management() {
        return management;
    }

    /** The caller's bearer token, for a client of its own (a browser signing in to the dashboard). */
    String token() {
        return token;
    }

    Answer get(String path) {
        return send(authorized(path, HttpRequest.newBuilder(uri(path))).GET());
    }

    /** The status of a GET on the REST API's own port, whatever the path: to show what is not served there. */
    int statusOnApiPort(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(base + " cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private URI uri(String path) {
        return URI.create((path.startsWith("/q/") ? management : base) + path);
    }

    Answer post(String path, Object body) {
        try {
            return send(authorized(path, HttpRequest.newBuilder(uri(path))).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
    }

    /** Like {@link #post} but fails unless the status is the expected one. */
    JsonNode expect(int status, Answer answer, String what) {
        if (answer.status() != status) {
            throw new IllegalStateException(what + " answered HTTP " + answer.status() + ": " + answer.body());
        }
        return answer.body();
    }

    /** A plain-text answer, such as {@code /q/metrics} in Prometheus' format. */
    String text(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri(path) + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(base + " cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code /api} requests carry the token; {@code /q} (health, metrics) needs none and gets none. */
    private HttpRequest.Builder authorized(String path, HttpRequest.Builder request) {
        return path.startsWith("/api/") && token != null ? request.header("Authorization", "Bearer " + token) : request;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (IOException e) {
            throw new IllegalStateException(base + " cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
