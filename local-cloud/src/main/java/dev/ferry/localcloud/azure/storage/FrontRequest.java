package dev.ferry.localcloud.azure.storage;

import com.sun.net.httpserver.HttpExchange;
import dev.ferry.localcloud.azure.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One request to the storage front: the raw exchange, its parsed view, and the account and blob it names. */
record FrontRequest(HttpExchange raw, Exchange exchange, String account, String blob, String rawPath) {

    // What a destination's conditions and lease look like; the front's own write to Azurite keeps them.
    private static final List<String> DESTINATION_CONDITIONS = List.of("If-Match", "If-None-Match", "If-Modified-Since",
            "If-Unmodified-Since", "x-ms-lease-id", "x-ms-if-sequence-number-le", "x-ms-if-sequence-number-lt",
            "x-ms-if-sequence-number-eq", "x-ms-if-tags", "x-ms-client-request-id");

    static FrontRequest of(HttpExchange raw, Exchange exchange) {
        String rawPath = raw.getRequestURI().getRawPath();
        String[] segments = exchange.path().split("/", 4);
        String account = segments.length > 1 ? segments[1] : "";
        // A blob has an account, a container and a non-empty name.
        String blob = segments.length == 4 && !segments[3].isEmpty() ? exchange.path() : null;
        return new FrontRequest(raw, exchange, account, blob, rawPath);
    }

    String method() {
        return raw.getRequestMethod();
    }

    String rawPathAndQuery() {
        String query = raw.getRequestURI().getRawQuery();
        return rawPath + (query == null ? "" : "?" + query);
    }

    boolean onBlob() {
        return blob != null;
    }

    /** The caller's conditions, lease and version, for the front's own request to the destination. */
    Map<String, String> destinationConditions() {
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
}
