package dev.ferry.localcloud.azure.storage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.ferry.localcloud.azure.Exchange;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;

/**
 * Routes each request to the storage front: the server-side copies Azurite lacks to the front's own operations,
 * everything else through to Azurite.
 */
final class BlobRouter implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(StorageFront.class.getName());

    private final AzuriteUpstream upstream;
    private final CopySources sources;
    private final ServerSideCopies copies;
    private final PassThrough passThrough;

    BlobRouter(AzuriteUpstream upstream, CopySources sources, ServerSideCopies copies, PassThrough passThrough) {
        this.upstream = upstream;
        this.sources = sources;
        this.copies = copies;
        this.passThrough = passThrough;
    }

    @Override
    public void handle(HttpExchange raw) {
        Exchange exchange = new Exchange(raw);
        try {
            route(FrontRequest.of(raw, exchange));
        } catch (StorageError e) {
            ResponseRelay.error(exchange, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ResponseRelay.error(exchange, new StorageError(500, "InternalError", "The front is shutting down."));
        } catch (IOException | RuntimeException e) {
            // The path and the exception's type alone: a query, and so a message naming a URL, may carry a SAS.
            LOG.log(Level.WARNING, "Request " + raw.getRequestMethod() + " " + raw.getRequestURI().getRawPath()
                    + " failed: " + e.getClass().getName() + " at " + StorageFront.firstFrame(e));
            ResponseRelay.error(exchange, new StorageError(500, "InternalError",
                    "The front could not serve the request: " + e.getClass().getSimpleName()));
        } finally {
            raw.close();
        }
    }

    private void route(FrontRequest request) throws StorageError, IOException, InterruptedException {
        Exchange exchange = request.exchange();
        String comp = exchange.query("comp");
        String copySource = exchange.header("x-ms-copy-source");
        boolean ours = request.onBlob() && upstream.knows(request.account()) && "PUT".equals(request.method());
        URI copyFrom = ours && comp == null && copySource != null
                && !"true".equalsIgnoreCase(exchange.header("x-ms-requires-sync"))
                ? servedCopySource(request, CopySource.parse(copySource)) : null;
        if (ours && "page".equals(comp) && copySource != null) {
            copies.putPageFromUrl(request, copySource);
        } else if (copyFrom != null) {
            copies.copyBlob(request, copyFrom);
        } else if (ours && "copy".equals(comp) && "abort".equalsIgnoreCase(exchange.header("x-ms-copy-action"))
                && copies.copiedInto(request.blob())) {
            copies.abortCopy(request);
        } else if (ours && "page".equals(comp)) {
            passThrough.putPage(request);
        } else {
            passThrough.forward(request, comp);
        }
    }

    /** Where an asynchronous Copy Blob that the front serves itself reads from; null for one Azurite serves. */
    private URI servedCopySource(FrontRequest request, URI source) throws IOException, InterruptedException {
        if (sources.isExternal(source)) {
            return source;
        }
        // Azurite's own copy of a page blob shares the source's page list, so later writes to the source show in
        // the copy; on Azure the copy is a blob of its own. The front copies it, reading the source as the
        // account (the request's own Shared Key authorizes a same-account source).
        return sources.pageBlobOfThisAccount(request, source) ? upstream.withReadSas(request.account(), source) : null;
    }
}
