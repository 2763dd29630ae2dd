package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.localcloud.azure.Exchange;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The Compute API's requests on disks and snapshots themselves: read, list, create or copy, and delete. */
final class DisksAndSnapshots {

    /** How many items a page of a list holds unless a test asks for fewer; Azure documents no page size. */
    static final int DEFAULT_PAGE_SIZE = 1000;

    private final ComputeState state;
    private final Operations operations;
    private final LongRunningOperations longRunning;
    private final ComputeJson json;
    private volatile long copyStartBytesPerSecond = 256L << 20;
    private volatile double enhancedCopySpeedFactor = 4;
    private volatile int pageSize = DEFAULT_PAGE_SIZE;
    private final Map<ResourceKey, Object> putLocks = new ConcurrentHashMap<>();

    DisksAndSnapshots(ComputeState state, Operations operations, LongRunningOperations longRunning, ComputeJson json) {
        this.state = state;
        this.operations = operations;
        this.longRunning = longRunning;
        this.json = json;
    }

    /** How fast a CopyStart moves the source's written bytes. */
    void copyStartBandwidth(long bytesPerSecond) {
        this.copyStartBytesPerSecond = bytesPerSecond;
    }

    /** How many times faster than the bandwidth an Enhanced CopyStart moves. */
    void enhancedCopySpeedFactor(double factor) {
        if (!(factor >= 1)) {
            throw new IllegalArgumentException("an Enhanced copy is no slower than a standard one; the factor " + factor
                    + " is below 1");
        }
        this.enhancedCopySpeedFactor = factor;
    }

    void get(Exchange exchange, ResourceKey key, boolean snapshots) throws IOException {
        JsonNode body = snapshots
                ? state.snapshot(key).map(json::snapshot).orElseThrow(() -> ArmError.notFound("Microsoft.Compute/snapshots", key.id()))
                : state.disk(key).map(json::disk).orElseThrow(() -> ArmError.notFound("Microsoft.Compute/disks", key.id()));
        exchange.sendJson(200, body);
    }

    /**
     * Lists a resource group's disks or snapshots a page at a time, oldest snapshot (or disk by id) first; a page that
     * is not the last carries {@code nextLink}, the same list with the request's api-version and a {@code $skiptoken}
     * naming the last item served, so that a page holds what was created after it even when some went meanwhile.
     */
    void list(Exchange exchange, String subscription, String group, boolean snapshots) throws IOException {
        String after = exchange.query("$skiptoken");
        int size = pageSize;
        ObjectNode root = Exchange.JSON.createObjectNode();
        ArrayNode values = root.putArray("value");
        String last = null;
        boolean more;
        if (snapshots) {
            long from = after == null ? Long.MIN_VALUE : skipToken(after);
            List<Snapshot> rest = state.snapshots(subscription, group).stream().filter(s -> s.sequence() > from).toList();
            rest.stream().limit(size).forEach(s -> values.add(json.snapshot(s)));
            more = rest.size() > size;
            last = more ? Long.toString(rest.get(size - 1).sequence()) : null;
        } else {
            String from = after == null ? "" : skipTokenText(after);
            List<Disk> rest = state.disks(subscription, group).stream().filter(d -> d.key().canonical().compareTo(from) > 0)
                    .sorted(Comparator.comparing(d -> d.key().canonical())).toList();
            rest.stream().limit(size).forEach(d -> values.add(json.disk(d)));
            more = rest.size() > size;
            last = more ? rest.get(size - 1).key().canonical() : null;
        }
        if (more) {
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8));
            root.put("nextLink", exchange.origin("https") + exchange.uri().getRawPath() + "?api-version="
                    + URLEncoder.encode(exchange.query("api-version"), StandardCharsets.UTF_8) + "&$skiptoken=" + token);
        }
        exchange.sendJson(200, root);
    }

    /** How many disks or snapshots one page of a list holds. */
    void listPageSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("a page holds at least one item, not " + size);
        }
        this.pageSize = size;
    }

    /**
     * Creates a disk or snapshot, or answers a PUT of one that exists as Azure does: the same request again is 200 with
     * the resource (its tags taken from the request, its SKU if the request names one), another location is 409 {@code InvalidResourceLocation},
     * and another source is 400 {@code BadRequest} ("Changing property ... is not allowed for existing disk").
     */
    void put(Exchange exchange, ResourceKey key, boolean snapshots) throws IOException {
        PutRequest request = PutRequest.read(RequestBody.of(exchange), snapshots);
        synchronized (putLocks.computeIfAbsent(key, k -> new Object())) {
            if (snapshots) {
                Snapshot existing = state.snapshot(key).orElse(null);
                if (existing != null) {
                    request.requireSameAs(existing);
                    existing.update(request.tags(), request.skuKeeping(existing.sku()));
                    exchange.sendJson(200, json.snapshot(existing));
                    return;
                }
                Snapshot snapshot = switch (request.createOption()) {
                    case "Copy" -> state.copyDisk(key, request.region(), request.sourceResourceId(), request.incremental(),
                            request.tags(), request.sku());
                    case "Import" -> state.importVhd(key, request.region(), request.sourceUri(), request.storageAccountId(),
                            request.tags(), request.sku());
                    case "CopyStart" -> startCopy(key, request.region(), request.sourceResourceId(), request.tags(),
                            request.sku(), request.copySpeed());
                    default -> throw ArmError.badRequest("InvalidParameter", "createOption '" + request.createOption()
                            + "' is not supported for snapshots by the fake (Copy, Import, CopyStart).");
                };
                snapshot.copySpeed(request.copySpeed());
                longRunning.provision(exchange, key.subscriptionId(), snapshot.region(), () -> state.provisioned(snapshot),
                        () -> json.snapshot(snapshot));
            } else {
                Disk existing = state.disk(key).orElse(null);
                if (existing != null) {
                    request.requireSameAs(existing);
                    existing.update(request.tags(), request.skuKeeping(existing.sku()));
                    exchange.sendJson(200, json.disk(existing));
                    return;
                }
                String source = switch (request.createOption()) {
                    case "Empty" -> null;
                    case "Copy" -> request.sourceResourceId();
                    default -> throw ArmError.badRequest("InvalidParameter", "createOption '" + request.createOption()
                            + "' is not supported for disks by the fake (Empty, Copy).");
                };
                long size = request.diskSizeGb() == null ? 0 : request.diskSizeGb() * ComputeState.GIB;
                Disk disk = state.createDisk(key, request.region(), size, request.tags(), request.sku(), source);
                disk.copySpeed(request.copySpeed());
                longRunning.provision(exchange, key.subscriptionId(), disk.region(), () -> state.provisioned(disk),
                        () -> json.disk(disk));
            }
        }
    }

    void delete(Exchange exchange, ResourceKey key, boolean snapshots) throws IOException {
        boolean exists = snapshots ? state.snapshot(key).isPresent() : state.disk(key).isPresent();
        if (!exists) {
            // ARM answers a delete of something already gone with 204.
            exchange.sendEmpty(204);
            return;
        }
        // Refused at once, as Azure does, while a SAS is active.
        boolean refusedAtOnce = snapshots && state.activeGrant(key).isPresent();
        longRunning.perform(exchange, key.subscriptionId(), "global", () -> {
            if (snapshots) {
                state.deleteSnapshot(key);
            } else {
                state.deleteDisk(key);
            }
            return null;
        }, refusedAtOnce);
    }

    private Snapshot startCopy(ResourceKey key, String region, String sourceId, Map<String, String> tags, String sku,
                               String copySpeed) {
        Snapshot copy = state.copyStart(key, region, sourceId, tags, sku, copySpeed);
        long started = System.nanoTime();
        operations.repeat(Duration.ofMillis(50), () -> {
            double seconds = (System.nanoTime() - started) / 1e9;
            double bytesPerSecond = copyStartBytesPerSecond * (copy.enhancedCopy() ? enhancedCopySpeedFactor : 1);
            return state.advanceCopy(copy, (long) (seconds * bytesPerSecond));
        });
        return copy;
    }

    private static long skipToken(String token) {
        try {
            return Long.parseLong(skipTokenText(token));
        } catch (NumberFormatException e) {
            throw ArmError.badRequest("InvalidParameter", "The $skiptoken '" + token + "' is not one this list gave.");
        }
    }

    private static String skipTokenText(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ArmError.badRequest("InvalidParameter", "The $skiptoken '" + token + "' is not one this list gave.");
        }
    }
}
