package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.localcloud.azure.Exchange;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** The Compute API's requests on disks and snapshots themselves: read, list, create or copy, and delete. */
final class DisksAndSnapshots {

    private final ComputeState state;
    private final Operations operations;
    private final LongRunningOperations longRunning;
    private final ComputeJson json;
    private volatile long copyStartBytesPerSecond = 256L << 20;
    private volatile double enhancedCopySpeedFactor = 4;

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

    void list(Exchange exchange, String subscription, String group, boolean snapshots) throws IOException {
        ObjectNode root = Exchange.JSON.createObjectNode();
        ArrayNode values = root.putArray("value");
        if (snapshots) {
            state.snapshots(subscription, group).forEach(s -> values.add(json.snapshot(s)));
        } else {
            state.disks(subscription, group).forEach(d -> values.add(json.disk(d)));
        }
        exchange.sendJson(200, root);
    }

    void put(Exchange exchange, ResourceKey key, boolean snapshots) throws IOException {
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
                case "copystart" -> startCopy(key, region, text(creation, "sourceResourceId"), tags, sku, copySpeed(creation));
                default -> throw ArmError.badRequest("InvalidParameter", "createOption '" + option
                        + "' is not supported for snapshots by the fake (Copy, Import, CopyStart).");
            };
            longRunning.provision(exchange, key.subscriptionId(), snapshot.region(), () -> state.provisioned(snapshot),
                    () -> json.snapshot(snapshot));
        } else {
            long size = properties.path("diskSizeGB").asLong(0) * ComputeState.GIB;
            String source = switch (option.toLowerCase(Locale.ROOT)) {
                case "empty" -> null;
                case "copy" -> text(creation, "sourceResourceId");
                default -> throw ArmError.badRequest("InvalidParameter", "createOption '" + option
                        + "' is not supported for disks by the fake (Empty, Copy).");
            };
            Disk disk = state.createDisk(key, region, size, tags, sku, source);
            longRunning.provision(exchange, key.subscriptionId(), disk.region(), () -> state.provisioned(disk),
                    () -> json.disk(disk));
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

    /** {@code provisionedBandwidthCopySpeed}, one of the Compute API's {@code ProvisionedBandwidthCopyOption} values. */
    private static String copySpeed(JsonNode creation) {
        String speed = text(creation, "provisionedBandwidthCopySpeed");
        if (speed == null) {
            return null;
        }
        for (String known : new String[] {"None", "Enhanced"}) {
            if (known.equalsIgnoreCase(speed)) {
                return known;
            }
        }
        throw ArmError.badRequest("InvalidParameter", "provisionedBandwidthCopySpeed '" + speed
                + "' is none of None, Enhanced.");
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
}
