package dev.ferry.localcloud.azure.storage;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.ferry.localcloud.azure.Faults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * Passes a request to Azurite unchanged and relays the answer, adding the copy properties of the copies the front
 * makes and forgetting those of a blob that is deleted or replaced.
 */
final class PassThrough {

    private final Faults faults;
    private final AzuriteUpstream upstream;
    private final ExternalCopies copies;
    private final BlobBandwidth bandwidth;

    PassThrough(Faults faults, AzuriteUpstream upstream, ExternalCopies copies, BlobBandwidth bandwidth) {
        this.faults = faults;
        this.upstream = upstream;
        this.copies = copies;
        this.bandwidth = bandwidth;
    }

    /**
     * A Put Page with a body, unless a fault is injected for it: the fault answers once the whole body has come
     * in, as the service does when it fails a write it has received, so the writer has let go of its data by then.
     */
    void putPage(FrontRequest request) throws IOException, InterruptedException {
        Optional<Faults.Fault> fault = faults.next(Faults.Kind.PUT_PAGE);
        if (fault.isPresent()) {
            if (fault.get().failsRequest()) {
                try (InputStream body = request.raw().getRequestBody()) {
                    body.transferTo(OutputStream.nullOutputStream());
                }
            }
            if (faults.answer(fault.get(), request.exchange(), false)) {
                return;
            }
        }
        forward(request, "page");
    }

    /** Forwards the request; {@code comp} is its {@code comp} query parameter, null for a blob itself. */
    void forward(FrontRequest request, String comp) throws IOException, InterruptedException {
        HttpExchange raw = request.raw();
        String method = request.method();
        Headers headers = raw.getRequestHeaders();
        HttpResponse<InputStream> response = upstream.forward(method, request.rawPathAndQuery(), headers,
                raw.getRequestBody(), requestLength(headers));
        int status = response.statusCode();
        Map<String, String> extra = Map.of();
        if (request.onBlob() && comp == null) {
            if (("GET".equals(method) || "HEAD".equals(method)) && (status == 200 || status == 206)) {
                extra = copies.of(request.blob()).map(ExternalCopies.Copy::headers).orElse(Map.of());
            } else if (("DELETE".equals(method) && status == 202)
                    || ("PUT".equals(method) && status == 201 && headers.getFirst("x-ms-copy-source") == null)) {
                // A deleted or replaced blob loses its copy properties, and a copy into it stops.
                copies.forget(request.blob());
                bandwidth.forget(request.blob());
            }
        }
        ResponseRelay.stream(raw, response, extra);
    }

    private static long requestLength(Headers headers) {
        String length = headers.getFirst("Content-Length");
        if (length != null) {
            return Long.parseLong(length.trim());
        }
        return headers.getFirst("Transfer-Encoding") != null ? -1 : 0;
    }
}
