package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.localcloud.azure.Exchange;
import dev.ferry.localcloud.azure.Faults;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The Compute REST API of the fake Resource Manager (disks, snapshots, access grants and their
 * long-running operations), answering as ARM does so that the Azure SDK for Java works unchanged.
 */
public final class ComputeApi {

    private static final long GIB = 1L << 30;

    private final ComputeState state;
    private final Operations operations;
    private final Faults faults;
    private final Function<AccessGrant, String> sasUrls;
    private volatile Duration pollHint = Duration.ofMillis(50);
    private volatile long copyStartBytesPerSecond = 256L << 20;

    /**
     * @param sasUrls makes the data-plane URL of a grant (the fake's SAS endpoint)
     */
    public ComputeApi(ComputeState state, Operations operations, Faults faults, Function<AccessGrant, String> sasUrls) {
        this.state = state;
        this.operations = operations;
        this.faults = faults;
        this.sasUrls = sasUrls;
    }

    /** How fast a CopyStart moves the source's written bytes. */
    public void copyStartBandwidth(long bytesPerSecond) {
        this.copyStartBytesPerSecond = bytesPerSecond;
    }

    /** Handles a request under {@code /subscriptions/}. The caller has checked the bearer token. */
    public void handle(Exchange exchange) throws IOException {
        String[] p = exchange.path().replaceAll("^/+|/+$", "").split("/");
        String method = exchange.method();
        Faults.Kind kind = "GET".equals(method) ? Faults.Kind.ARM_READ
                : p.length == 9 && "beginGetAccess".equalsIgnoreCase(p[8]) ? Faults.Kind.GRANT_ACCESS : Faults.Kind.ARM_WRITE;
        if (faults.apply(kind, exchange, true)) {
            return;
        }
        try {
            route(exchange, p, method);
        } catch (ArmError e) {
            exchange.sendArmError(e.status(), e.code(), e.getMessage());
        }
    }

    private void route(Exchange exchange, String[] p, String method) throws IOException {
        // /subscriptions/{s}/providers/Microsoft.Compute/locations/{region}/operations/{id}
        if (p.length == 8 && is(p[2], "providers") && is(p[4], "locations") && is(p[6], "operations") && "GET".equals(method)) {
            operation(exchange, p[7]);
            return;
        }
        if (p.length < 7 || !is(p[0], "subscriptions") || !is(p[2], "resourceGroups") || !is(p[4], "providers")
                || !is(p[5], ResourceKey.COMPUTE)) {
            throw new ArmError(404, "InvalidResourceType", "The fake does not serve '" + exchange.path() + "'.");
        }
        String subscription = p[1];
        String group = p[3];
        String type = p[6].toLowerCase(Locale.ROOT);
        if (!type.equals("disks") && !type.equals("snapshots")) {
            throw new ArmError(404, "InvalidResourceType", "The resource type '" + p[6] + "' could not be found in the namespace 'Microsoft.Compute'.");
        }
        boolean snapshots = type.equals("snapshots");
        if (p.length == 7 && "GET".equals(method)) {
            list(exchange, subscription, group, snapshots);
            return;
        }
        ResourceKey key = snapshots ? ResourceKey.snapshot(subscription, group, p[7]) : ResourceKey.disk(subscription, group, p[7]);
        if (p.length == 8) {
            switch (method) {
                case "GET" -> get(exchange, key, snapshots);
                case "PUT" -> put(exchange, key, snapshots);
                case "DELETE" -> delete(exchange, key, snapshots);
                default -> throw new ArmError(405, "MethodNotAllowed", "The fake does not support " + method + " here.");
            }
            return;
        }
        if (p.length == 9 && snapshots && "POST".equals(method) && is(p[8], "beginGetAccess")) {
            beginGetAccess(exchange, key);
            return;
        }
        if (p.length == 9 && snapshots && "POST".equals(method) && is(p[8], "endGetAccess")) {
            endGetAccess(exchange, key);
            return;
        }
        throw new ArmError(404, "NotFound", "The fake does not serve " + method + " '" + exchange.path() + "'.");
    }

    // ---- resources -----------------------------------------------------------------------------

    private void get(Exchange exchange, ResourceKey key, boolean snapshots) throws IOException {
        JsonNode body = snapshots
                ? state.snapshot(key).map(this::render).orElseThrow(() -> ArmError.notFound("Microsoft.Compute/snapshots", key.id()))
                : state.disk(key).map(this::render).orElseThrow(() -> ArmError.notFound("Microsoft.Compute/disks", key.id()));
        exchange.sendJson(200, body);
    }

    private void list(Exchange exchange, String subscription, String group, boolean snapshots) throws IOException {
        ObjectNode root = Exchange.JSON.createObjectNode();
        ArrayNode values = root.putArray("value");
        if (snapshots) {
            state.snapshots(subscription, group).forEach(s -> values.add(render(s)));
        } else {
            state.disks(subscription, group).forEach(d -> values.add(render(d)));
        }
        exchange.sendJson(200, root);
    }

    private void put(Exchange exchange, ResourceKey key, boolean snapshots) throws IOException {
        JsonNode body = exchange.json();
        String region = text(body, "location");
        if (region == null) {
            throw ArmError.badRequest("LocationRequired", "The location property is required for this definition.");
        }
        JsonNode properties = body.path("properties");
        JsonNode creation = properties.path("creationData");
        String option = text(creation, "createOption");
        Map<String, String> tags = tags(body.path("tags"));
        String sku = body.path("sku").path("name").asText("Standard_LRS");
        if (option == null) {
            throw ArmError.badRequest("InvalidParameter", "properties.creationData.createOption is required.");
        }
        if (snapshots) {
            Snapshot snapshot = switch (option.toLowerCase(Locale.ROOT)) {
                case "copy" -> state.copyDisk(key, region, text(creation, "sourceResourceId"),
                        properties.path("incremental").asBoolean(false), tags, sku);
                case "import" -> state.importVhd(key, region, text(creation, "sourceUri"), text(creation, "storageAccountId"), tags, sku);
                case "copystart" -> startCopy(key, region, text(creation, "sourceResourceId"), tags, sku);
                default -> throw ArmError.badRequest("InvalidParameter", "createOption '" + option
                        + "' is not supported for snapshots by the fake (Copy, Import, CopyStart).");
            };
            if (operations.immediate()) {
                state.provisioned(snapshot);
                exchange.sendJson(200, render(snapshot));
                return;
            }
            Operations.Operation operation = operations.start(key.subscriptionId(), snapshot.region(), () -> {
                state.provisioned(snapshot);
                return null;
            });
            acceptLongRunning(exchange, operation, 200, render(snapshot));
        } else {
            long size = properties.path("diskSizeGB").asLong(0) * GIB;
            String source = switch (option.toLowerCase(Locale.ROOT)) {
                case "empty" -> null;
                case "copy" -> text(creation, "sourceResourceId");
                default -> throw ArmError.badRequest("InvalidParameter", "createOption '" + option
                        + "' is not supported for disks by the fake (Empty, Copy).");
            };
            Disk disk = state.createDisk(key, region, size, tags, sku, source);
            if (operations.immediate()) {
                state.provisioned(disk);
                exchange.sendJson(200, render(disk));
                return;
            }
            Operations.Operation operation = operations.start(key.subscriptionId(), disk.region(), () -> {
                state.provisioned(disk);
                return null;
            });
            acceptLongRunning(exchange, operation, 200, render(disk));
        }
    }

    private Snapshot startCopy(ResourceKey key, String region, String sourceId, Map<String, String> tags, String sku) {
        Snapshot copy = state.copyStart(key, region, sourceId, tags, sku);
        long started = System.nanoTime();
        operations.repeat(Duration.ofMillis(50), () -> {
            double seconds = (System.nanoTime() - started) / 1e9;
            return state.advanceCopy(copy, (long) (seconds * copyStartBytesPerSecond));
        });
        return copy;
    }

    private void delete(Exchange exchange, ResourceKey key, boolean snapshots) throws IOException {
        boolean exists = snapshots ? state.snapshot(key).isPresent() : state.disk(key).isPresent();
        if (!exists) {
            // ARM answers a delete of something already gone with 204.
            exchange.sendEmpty(204);
            return;
        }
        Callable<JsonNode> deletion = () -> {
            if (snapshots) {
                state.deleteSnapshot(key);
            } else {
                state.deleteDisk(key);
            }
            return null;
        };
        if (operations.immediate() || (snapshots && state.activeGrant(key).isPresent())) {
            // Refused at once, as Azure does, while a SAS is active.
            call(deletion);
            exchange.sendEmpty(200);
            return;
        }
        acceptLongRunning(exchange, operations.start(key.subscriptionId(), "global", deletion), 202, null);
    }

    // ---- access --------------------------------------------------------------------------------

    private void beginGetAccess(Exchange exchange, ResourceKey key) throws IOException {
        JsonNode body = exchange.json();
        String access = body.path("access").asText("");
        if (!"read".equalsIgnoreCase(access)) {
            throw ArmError.badRequest("InvalidParameter", "access must be 'Read' for a snapshot, not '" + access + "'.");
        }
        long seconds = body.path("durationInSeconds").asLong(0);
        if (seconds <= 0) {
            throw ArmError.badRequest("InvalidParameter", "durationInSeconds must be positive.");
        }
        Snapshot snapshot = state.snapshot(key).orElseThrow(() -> ArmError.notFound("Microsoft.Compute/snapshots", key.id()));
        Callable<JsonNode> grant = () -> {
            AccessGrant granted = state.grantAccess(key, faults.sasLifetime(Duration.ofSeconds(seconds)));
            ObjectNode result = Exchange.JSON.createObjectNode();
            result.put("accessSAS", sasUrls.apply(granted));
            return result;
        };
        if (operations.immediate()) {
            exchange.sendJson(200, call(grant));
            return;
        }
        acceptLongRunning(exchange, operations.start(key.subscriptionId(), snapshot.region(), grant), 202, null);
    }

    private void endGetAccess(Exchange exchange, ResourceKey key) throws IOException {
        Snapshot snapshot = state.snapshot(key).orElseThrow(() -> ArmError.notFound("Microsoft.Compute/snapshots", key.id()));
        Callable<JsonNode> revoke = () -> {
            state.revokeAccess(key);
            return null;
        };
        if (operations.immediate()) {
            call(revoke);
            exchange.sendEmpty(200);
            return;
        }
        acceptLongRunning(exchange, operations.start(key.subscriptionId(), snapshot.region(), revoke), 202, null);
    }

    // ---- long-running operations -----------------------------------------------------------------

    /** Runs an operation's effect within the request; an ArmError answers the request. */
    private static JsonNode call(Callable<JsonNode> effect) {
        try {
            return effect.call();
        } catch (ArmError e) {
            throw e;
        } catch (Exception e) {
            throw new ArmError(500, "InternalOperationError", "The operation failed: " + e.getMessage());
        }
    }

    private void acceptLongRunning(Exchange exchange, Operations.Operation operation, int status, JsonNode body) throws IOException {
        String origin = exchange.origin("https");
        String apiVersion = exchange.query("api-version") == null ? "" : "?api-version=" + exchange.query("api-version");
        exchange.header("Azure-AsyncOperation", origin + operation.statusPath() + apiVersion);
        exchange.header("Location", origin + operation.statusPath() + (apiVersion.isEmpty() ? "?" : apiVersion + "&") + "monitor=true");
        retryHint(exchange);
        if (body == null) {
            exchange.sendEmpty(status);
        } else {
            exchange.sendJson(status, body);
        }
    }

    /**
     * When to poll again. The ARM poller of the Java SDK reads only {@code Retry-After} in whole
     * seconds and waits 30 s without it, so 1 s is the shortest useful hint; {@code retry-after-ms}
     * serves clients that read it.
     */
    private void retryHint(Exchange exchange) {
        exchange.header("Retry-After", "1");
        exchange.header("retry-after-ms", Long.toString(pollHint.toMillis()));
    }

    private void operation(Exchange exchange, String id) throws IOException {
        Operations.Operation operation = operations.get(id);
        if (operation == null) {
            throw new ArmError(404, "NotFound", "The operation '" + id + "' was not found.");
        }
        boolean monitor = exchange.query("monitor") != null;
        if (!operation.done()) {
            retryHint(exchange);
            if (monitor) {
                exchange.header("Location", exchange.origin("https") + exchange.uri().toString());
                exchange.sendEmpty(202);
                return;
            }
        }
        if (monitor) {
            if (operation.error() != null) {
                exchange.sendArmError(operation.error().status(), operation.error().code(), operation.error().getMessage());
            } else if (operation.result() != null) {
                exchange.sendJson(200, operation.result());
            } else {
                exchange.sendEmpty(204);
            }
            return;
        }
        ObjectNode status = Exchange.JSON.createObjectNode();
        status.put("name", operation.id());
        status.put("status", operation.status());
        status.put("startTime", operation.startTime().toString());
        if (operation.endTime() != null) {
            status.put("endTime", operation.endTime().toString());
        }
        if (operation.result() != null) {
            status.putObject("properties").set("output", operation.result());
        }
        if (operation.error() != null) {
            ObjectNode error = status.putObject("error");
            error.put("code", operation.error().code());
            error.put("message", operation.error().getMessage());
        }
        exchange.sendJson(200, status);
    }

    // ---- rendering -----------------------------------------------------------------------------

    private ObjectNode render(Snapshot s) {
        ObjectNode node = resource(s.key(), s.region(), s.tags(), s.sku());
        ObjectNode properties = node.putObject("properties");
        ObjectNode creation = properties.putObject("creationData");
        creation.put("createOption", s.createOption());
        if (s.sourceResourceId() != null) {
            creation.put("sourceResourceId", s.sourceResourceId());
        }
        if (s.sourceUniqueId() != null) {
            creation.put("sourceUniqueId", s.sourceUniqueId());
        }
        if (s.sourceUri() != null) {
            creation.put("sourceUri", s.sourceUri());
            creation.put("storageAccountId", s.storageAccountId());
        }
        properties.put("diskSizeGB", (int) Math.ceil(s.sizeBytes() / (double) GIB));
        properties.put("diskSizeBytes", s.sizeBytes());
        properties.put("incremental", s.incremental());
        if (s.familyId() != null) {
            properties.put("incrementalSnapshotFamilyId", s.familyId());
        }
        properties.put("provisioningState", s.provisioningState());
        properties.put("diskState", state.activeGrant(s.key()).isPresent() ? "ActiveSAS" : "Unattached");
        properties.put("timeCreated", s.timeCreated().toString());
        properties.put("uniqueId", s.uniqueId());
        if ("CopyStart".equals(s.createOption())) {
            properties.put("completionPercent", s.completionPercent());
            if (s.copyErrorCode() != null) {
                ObjectNode error = properties.putObject("copyCompletionError");
                error.put("errorCode", s.copyErrorCode());
                error.put("errorMessage", s.copyErrorMessage());
            }
        }
        properties.putObject("encryption").put("type", "EncryptionAtRestWithPlatformKey");
        properties.put("networkAccessPolicy", "AllowAll");
        properties.put("publicNetworkAccess", "Enabled");
        return node;
    }

    private ObjectNode render(Disk d) {
        ObjectNode node = resource(d.key(), d.region(), d.tags(), d.sku());
        ObjectNode properties = node.putObject("properties");
        ObjectNode creation = properties.putObject("creationData");
        creation.put("createOption", d.createOption());
        if (d.sourceResourceId() != null) {
            creation.put("sourceResourceId", d.sourceResourceId());
        }
        properties.put("diskSizeGB", (int) Math.ceil(d.sizeBytes() / (double) GIB));
        properties.put("diskSizeBytes", d.sizeBytes());
        properties.put("provisioningState", d.provisioningState());
        properties.put("diskState", "Unattached");
        properties.put("timeCreated", d.timeCreated().toString());
        properties.put("uniqueId", d.uniqueId());
        properties.putObject("encryption").put("type", "EncryptionAtRestWithPlatformKey");
        return node;
    }

    private static ObjectNode resource(ResourceKey key, String region, Map<String, String> tags, String sku) {
        ObjectNode node = Exchange.JSON.createObjectNode();
        node.put("id", key.id());
        node.put("name", key.name());
        node.put("type", key.armType());
        node.put("location", region);
        ObjectNode tagNode = node.putObject("tags");
        tags.forEach(tagNode::put);
        ObjectNode skuNode = node.putObject("sku");
        skuNode.put("name", sku);
        skuNode.put("tier", sku.startsWith("Premium") ? "Premium" : "Standard");
        return node;
    }

    private static Map<String, String> tags(JsonNode node) {
        Map<String, String> tags = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            tags.put(entry.getKey(), entry.getValue().asText());
        }
        return tags;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static boolean is(String segment, String expected) {
        return segment.equalsIgnoreCase(expected);
    }
}
