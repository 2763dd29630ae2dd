package dev.ferry.localcloud.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Microsoft identity platform's token endpoint for the client-credentials grant, as
 * azure-identity's {@code ClientSecretCredential} calls it ({@code POST /{tenant}/oauth2/v2.0/token}),
 * and the check of the bearer tokens it issued.
 */
public final class TokenEndpoint {

    private static final Duration LIFETIME = Duration.ofHours(1);

    private final String tenantId;
    private final Map<String, String> clients = new ConcurrentHashMap<>();
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Faults faults;
    private final Clock clock;

    public TokenEndpoint(String tenantId, Faults faults, Clock clock) {
        this.tenantId = tenantId;
        this.faults = faults;
        this.clock = clock;
    }

    /** Registers an application (service principal) that may get tokens. */
    public void registerClient(String clientId, String clientSecret) {
        clients.put(clientId, clientSecret);
    }

    public String tenantId() {
        return tenantId;
    }

    /** Whether a request path is this endpoint's. */
    public boolean handles(String path) {
        return path.equals("/" + tenantId + "/oauth2/v2.0/token");
    }

    public void handle(Exchange exchange) throws IOException {
        if (faults.apply(Faults.Kind.TOKEN, exchange, true)) {
            return;
        }
        if (!"POST".equals(exchange.method())) {
            oauthError(exchange, 405, "invalid_request", "The token endpoint takes POST.");
            return;
        }
        Map<String, String> form = form(new String(exchange.body(), StandardCharsets.UTF_8));
        if (!"client_credentials".equals(form.get("grant_type"))) {
            oauthError(exchange, 400, "unsupported_grant_type", "Only client_credentials is supported by the fake.");
            return;
        }
        String clientId = form.get("client_id");
        String secret = clients.get(clientId == null ? "" : clientId);
        if (secret == null || !secret.equals(form.get("client_secret"))) {
            // Never echo the secret that was sent.
            oauthError(exchange, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided for client '" + clientId + "'.");
            return;
        }
        String scope = form.getOrDefault("scope", "");
        if (!scope.contains("/.default")) {
            oauthError(exchange, 400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid; use <resource>/.default.");
            return;
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = "fake." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        issued.put(token, clock.instant().plus(LIFETIME));
        ObjectNode body = Exchange.JSON.createObjectNode();
        body.put("token_type", "Bearer");
        body.put("expires_in", LIFETIME.toSeconds());
        body.put("ext_expires_in", LIFETIME.toSeconds());
        body.put("access_token", token);
        exchange.sendJson(200, body);
    }

    /** Whether an {@code Authorization} header carries a token this endpoint issued and that has not expired. */
    public boolean authorizes(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        Instant expiry = issued.get(authorization.substring("Bearer ".length()).trim());
        return expiry != null && clock.instant().isBefore(expiry);
    }

    private static void oauthError(Exchange exchange, int status, String error, String description) throws IOException {
        ObjectNode body = Exchange.JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", description);
        exchange.sendJson(status, body);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}
