package dev.ferry.localcloud.azure.storage;

import dev.ferry.localcloud.azure.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the caller of a request the front answers itself, as Azure would: a valid Shared Key signature of this
 * very request, or a SAS that Azurite accepts for the destination (checked with a Get Blob Properties carrying the
 * caller's SAS).
 */
final class CallerAuthenticator {

    private final AzuriteUpstream upstream;
    private final String frontOrigin;

    /** @param frontOrigin the front's scheme, host and port, which the caller signed */
    CallerAuthenticator(AzuriteUpstream upstream, String frontOrigin) {
        this.upstream = upstream;
        this.frontOrigin = frontOrigin;
    }

    void authenticate(FrontRequest request) throws StorageError, IOException, InterruptedException {
        Exchange exchange = request.exchange();
        String authorization = exchange.header("Authorization");
        if (authorization != null) {
            URI requestUri = URI.create(frontOrigin + request.rawPathAndQuery());
            if (upstream.validSharedKey(request.account(), requestUri, request.method(),
                    request.raw().getRequestHeaders(), authorization)) {
                return;
            }
            throw new StorageError(403, "AuthenticationFailed", "Server failed to authenticate the request. Make sure "
                    + "the value of Authorization header is formed correctly including the signature.");
        }
        if (exchange.query("sig") != null) {
            String sas = exchange.queryParameters().keySet().stream()
                    .filter(k -> !Set.of("comp", "copyid", "timeout").contains(k))
                    .map(k -> k + "=" + URLEncoder.encode(exchange.query(k), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            HttpResponse<InputStream> probe = upstream.forward("HEAD", request.rawPath() + "?" + sas, Map.of(),
                    InputStream.nullInputStream(), 0);
            probe.body().close();
            if (probe.statusCode() == 401 || probe.statusCode() == 403) {
                throw new StorageError(403, "AuthenticationFailed",
                        "Server failed to authenticate the request: the SAS was refused.");
            }
            return;
        }
        throw new StorageError(401, "NoAuthenticationInformation",
                "Server failed to authenticate the request. Please refer to the information in the www-authenticate "
                        + "header.");
    }
}
