package dev.ferry.localcloud.azure.storage;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Map;

/** Where the front reads a copy source from: a blob of this Azurite from Azurite itself, any other at its URL. */
final class CopySources {

    private final AzuriteUpstream upstream;
    private final HttpClient outbound;
    private final int frontPort;

    CopySources(AzuriteUpstream upstream, HttpClient outbound, int frontPort) {
        this.upstream = upstream;
        this.outbound = outbound;
        this.frontPort = frontPort;
    }

    /** Whether the source lies outside this Azurite, i.e. names neither the front nor Azurite. */
    boolean isExternal(URI source) {
        String host = source.getHost();
        boolean loopback = "127.0.0.1".equals(host) || "localhost".equalsIgnoreCase(host);
        int port = source.getPort();
        return !(loopback && (port == frontPort || port == upstream.port()));
    }

    /**
     * A source without a SAS in the destination's own account that Azurite holds as a page blob, asked for with
     * the account's Shared Key (only that authorizes a same-account source without a SAS, as on Azure).
     */
    boolean pageBlobOfThisAccount(FrontRequest request, URI source) throws IOException, InterruptedException {
        String path = source.getRawPath();
        String authorization = request.exchange().header("Authorization");
        if (isExternal(source) || source.getRawQuery() != null || path == null
                || !path.startsWith("/" + request.account() + "/") || authorization == null
                || !authorization.startsWith("SharedKey ")) {
            return false;
        }
        HttpResponse<byte[]> head = upstream.signed(request.account(), "HEAD", path, Map.of(), null);
        return head.statusCode() == 200 && "PageBlob".equalsIgnoreCase(head.headers().firstValue("x-ms-blob-type").orElse(""));
    }

    /** The source as the request names it, with the caller's source authorization and REST version. */
    CopySource open(FrontRequest request, URI uri) {
        // A source in this Azurite is read from Azurite directly; a SAS does not sign the host, so it stays valid.
        URI readVia = isExternal(uri) ? uri : upstream.uri(uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        String authorization = request.exchange().header("x-ms-copy-source-authorization");
        return new CopySource(outbound, uri, readVia, authorization, request.exchange().header("x-ms-version"));
    }
}
