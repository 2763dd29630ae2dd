package dev.ferry.localcloud.azure.dataplane;

import dev.ferry.localcloud.azure.Exchange;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.azure.compute.AccessGrant;
import dev.ferry.localcloud.azure.compute.ComputeState;
import dev.ferry.localcloud.azure.compute.SparseContent;
import dev.ferry.localcloud.azure.compute.SparseContent.Range;
import dev.ferry.localcloud.azure.compute.Snapshot;
import dev.ferry.localcloud.azure.compute.VhdFooter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The managed-disk data plane behind a snapshot's SAS: a read-only page blob of the snapshot's
 * size plus a 512-byte fixed-VHD footer. Serves Get Blob Properties, Get Blob with ranges, Get
 * Page Ranges, and the managed-disk diff (Get Page Ranges with {@code x-ms-previous-snapshot-url})
 * between two incremental snapshots of one family.
 */
public final class SasDataPlane {

    /** The first path segment of every SAS URL: the Blob SDK reads it as the account name. */
    public static final String ACCOUNT = "mdsas";
    /** The blob name under each grant, as Azure names it. */
    public static final String BLOB = "abcd";
    private static final String VERSION = "2026-02-06";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final DateTimeFormatter HTTP_DATE = dev.ferry.localcloud.azure.Exchange.HTTP_DATE;

    private final ComputeState state;
    private final Faults faults;

    public SasDataPlane(ComputeState state, Faults faults) {
        this.state = state;
        this.faults = faults;
    }

    /** The path and query of a grant's SAS, to be put behind the fake's origin. */
    public static String sasPathAndQuery(AccessGrant grant) {
        return "/" + ACCOUNT + "/" + grant.token() + "/" + BLOB + "?sv=2018-03-28&sr=b&si=" + grant.token()
                + "&sp=r&se=" + grant.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace(":", "%3A") + "&sig=" + grant.signature();
    }

    /** Handles a request under {@code /mdsas/}. */
    public void handle(Exchange exchange) throws IOException {
        exchange.header("x-ms-request-id", UUID.randomUUID().toString());
        exchange.header("x-ms-version", VERSION);
        exchange.header("Date", HTTP_DATE.format(state.now()));
        String clientRequestId = exchange.header("x-ms-client-request-id");
        if (clientRequestId != null) {
            exchange.header("x-ms-client-request-id", clientRequestId);
        }
        Optional<Snapshot> snapshot = authorize(exchange, exchange.uri());
        if (snapshot.isEmpty()) {
            return;
        }
        String method = exchange.method();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            storageError(exchange, 403, "AuthorizationPermissionMismatch",
                    "This request is not authorized to perform this operation using this permission.");
            return;
        }
        String comp = exchange.query("comp");
        if (comp == null) {
            if ("HEAD".equals(method)) {
                properties(exchange, snapshot.get());
            } else {
                read(exchange, snapshot.get());
            }
        } else if ("pagelist".equals(comp) && "GET".equals(method)) {
            pageRanges(exchange, snapshot.get());
        } else {
            storageError(exchange, 400, "UnsupportedQueryParameter", "The fake's disk endpoint does not support comp=" + comp + ".");
        }
    }

    private Optional<Snapshot> authorize(Exchange exchange, URI uri) throws IOException {
        Optional<Snapshot> snapshot = grantedSnapshot(uri, exchange.query("sig"));
        if (snapshot.isEmpty()) {
            storageError(exchange, 403, "AuthenticationFailed",
                    "Server failed to authenticate the request: the SAS is unknown, revoked or expired.");
        }
        return snapshot;
    }

    /** The snapshot that a SAS URL grants read access to now, if it does. */
    private Optional<Snapshot> grantedSnapshot(URI uri, String signature) {
        String[] path = uri.getPath().replaceAll("^/+", "").split("/");
        if (path.length != 3 || !ACCOUNT.equals(path[0]) || !BLOB.equals(path[2]) || signature == null) {
            return Optional.empty();
        }
        return state.grant(path[1])
                .filter(g -> g.signature().equals(signature) && g.activeAt(state.now()))
                .flatMap(g -> state.snapshot(g.snapshot()))
                .filter(s -> s.content() != null);
    }

    private void properties(Exchange exchange, Snapshot snapshot) throws IOException {
        blobHeaders(exchange, snapshot);
        exchange.header("Content-Type", "application/octet-stream");
        exchange.header("Accept-Ranges", "bytes");
        exchange.header("x-ms-creation-time", HTTP_DATE.format(snapshot.timeCreated()));
        exchange.header("x-ms-lease-state", "available");
        exchange.header("x-ms-lease-status", "unlocked");
        exchange.header("x-ms-server-encrypted", "true");
        exchange.sendHead(200, blobLength(snapshot));
    }

    private void read(Exchange exchange, Snapshot snapshot) throws IOException {
        if (faults.apply(Faults.Kind.SAS_READ, exchange, false)) {
            return;
        }
        long length = blobLength(snapshot);
        String rangeHeader = exchange.header("x-ms-range") != null ? exchange.header("x-ms-range") : exchange.header("Range");
        long start = 0;
        long end = length - 1;
        boolean partial = false;
        if (rangeHeader != null) {
            Matcher m = RANGE.matcher(rangeHeader.trim());
            if (!m.matches()) {
                storageError(exchange, 400, "InvalidRange", "The range header is not of the form bytes=start-end.");
                return;
            }
            start = Long.parseLong(m.group(1));
            end = m.group(2).isEmpty() ? length - 1 : Math.min(Long.parseLong(m.group(2)), length - 1);
            if (start >= length || end < start) {
                exchange.header("Content-Range", "bytes */" + length);
                storageError(exchange, 416, "InvalidRange", "The range specified is invalid for the current size of the resource.");
                return;
            }
            partial = true;
        }
        long count = end - start + 1;
        if (count > Integer.MAX_VALUE - 16) {
            storageError(exchange, 400, "InvalidRange", "The fake serves at most 2 GiB in one read; use ranges.");
            return;
        }
        byte[] bytes = bytes(snapshot, start, (int) count);
        throttle(bytes.length);
        blobHeaders(exchange, snapshot);
        if (partial) {
            exchange.header("Content-Range", "bytes " + start + "-" + end + "/" + length);
        }
        java.util.OptionalInt cut = faults.nextReadCut(bytes.length);
        if (cut.isPresent()) {
            exchange.sendCut(partial ? 206 : 200, "application/octet-stream", bytes, cut.getAsInt());
            return;
        }
        exchange.send(partial ? 206 : 200, "application/octet-stream", bytes);
    }

    private void pageRanges(Exchange exchange, Snapshot snapshot) throws IOException {
        if (faults.apply(Faults.Kind.PAGE_RANGES, exchange, false)) {
            return;
        }
        long length = blobLength(snapshot);
        long from = 0;
        long to = length;
        String rangeHeader = exchange.header("x-ms-range") != null ? exchange.header("x-ms-range") : exchange.header("Range");
        if (rangeHeader != null) {
            Matcher m = RANGE.matcher(rangeHeader.trim());
            if (!m.matches() || Long.parseLong(m.group(1)) % SparseContent.PAGE != 0) {
                storageError(exchange, 400, "InvalidPageRange", "The page range specified is invalid.");
                return;
            }
            from = Long.parseLong(m.group(1));
            to = m.group(2).isEmpty() ? length : Math.min(Long.parseLong(m.group(2)) + 1, length);
        }
        String marker = exchange.query("marker");
        if (marker != null && !marker.isEmpty()) {
            from = Math.max(from, Long.parseLong(marker));
        }
        List<Range> written;
        List<Range> cleared = List.of();
        String previous = exchange.header("x-ms-previous-snapshot-url");
        if (exchange.query("prevsnapshot") != null) {
            storageError(exchange, 400, "InvalidQueryParameterValue",
                    "A managed disk diff takes the previous snapshot as x-ms-previous-snapshot-url, not prevsnapshot.");
            return;
        }
        if (previous != null) {
            Optional<Snapshot> base = grantedSnapshot(URI.create(previous), query(URI.create(previous), "sig"));
            if (base.isEmpty()) {
                storageError(exchange, 409, "PreviousSnapshotNotFound",
                        "The previous snapshot URL is not an accessible snapshot SAS.");
                return;
            }
            if (base.get().familyId() == null || !base.get().familyId().equals(snapshot.familyId())
                    || base.get().timeCreated().isAfter(snapshot.timeCreated())) {
                storageError(exchange, 409, "PreviousSnapshotOperationNotSupported",
                        "The previous snapshot must be an older incremental snapshot of the same disk.");
                return;
            }
            SparseContent.Diff diff = snapshot.content().diffSince(base.get().content(),
                    Math.min(from, snapshot.sizeBytes()), Math.min(to, snapshot.sizeBytes()));
            written = diff.changed();
            cleared = diff.cleared();
        } else {
            written = new ArrayList<>(snapshot.content().writtenRanges(Math.min(from, snapshot.sizeBytes()), Math.min(to, snapshot.sizeBytes())));
            if (to > snapshot.sizeBytes()) {
                written.add(new Range(snapshot.sizeBytes(), length));
            }
        }
        List<Listed> listed = merge(written, cleared);
        String maxResults = exchange.query("maxresults");
        String nextMarker = "";
        if (maxResults != null && !maxResults.isEmpty() && listed.size() > Integer.parseInt(maxResults)) {
            int max = Integer.parseInt(maxResults);
            nextMarker = Long.toString(listed.get(max).range().start());
            listed = listed.subList(0, max);
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><PageList>");
        for (Listed entry : listed) {
            String element = entry.clear() ? "ClearRange" : "PageRange";
            xml.append('<').append(element).append("><Start>").append(entry.range().start()).append("</Start><End>")
                    .append(entry.range().end() - 1).append("</End></").append(element).append('>');
        }
        xml.append("<NextMarker>").append(nextMarker).append("</NextMarker></PageList>");
        blobHeaders(exchange, snapshot);
        exchange.header("x-ms-blob-content-length", Long.toString(length));
        exchange.send(200, "application/xml", xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A range as Get Page Ranges lists it: written, or cleared since the previous snapshot. */
    private record Listed(Range range, boolean clear) {
    }

    /** The written and cleared ranges in offset order, as Get Page Ranges lists them. */
    private static List<Listed> merge(List<Range> written, List<Range> cleared) {
        List<Listed> all = new ArrayList<>(written.size() + cleared.size());
        written.forEach(r -> all.add(new Listed(r, false)));
        cleared.forEach(r -> all.add(new Listed(r, true)));
        all.sort(java.util.Comparator.comparingLong(l -> l.range().start()));
        return all;
    }

    /** The bytes of the blob view: the snapshot's content, then its footer. */
    private static byte[] bytes(Snapshot snapshot, long start, int count) {
        long size = snapshot.sizeBytes();
        byte[] out = new byte[count];
        if (start < size) {
            int fromContent = (int) Math.min(count, size - start);
            snapshot.content().read(start, out, 0, fromContent);
        }
        long end = start + count;
        if (end > size) {
            byte[] footer = VhdFooter.forDisk(size);
            long footerFrom = Math.max(start, size);
            System.arraycopy(footer, (int) (footerFrom - size), out, (int) (footerFrom - start), (int) (end - footerFrom));
        }
        return out;
    }

    private void throttle(int bytes) {
        long cap = faults.blobBandwidth();
        if (cap > 0) {
            try {
                Thread.sleep(bytes * 1000L / cap);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long blobLength(Snapshot snapshot) {
        return snapshot.sizeBytes() + VhdFooter.SIZE;
    }

    private void blobHeaders(Exchange exchange, Snapshot snapshot) {
        exchange.header("ETag", "\"0x" + Integer.toHexString(snapshot.uniqueId().hashCode()).toUpperCase() + "\"");
        exchange.header("Last-Modified", HTTP_DATE.format(snapshot.timeCreated()));
        exchange.header("x-ms-blob-type", "PageBlob");
        exchange.header("x-ms-blob-sequence-number", "0");
    }

    private static void storageError(Exchange exchange, int status, String code, String message) throws IOException {
        exchange.header("x-ms-error-code", code);
        exchange.send(status, "application/xml", ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code
                + "</Code><Message>" + message + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
    }

    private static String query(URI uri, String name) {
        String raw = uri.getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equalsIgnoreCase(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
