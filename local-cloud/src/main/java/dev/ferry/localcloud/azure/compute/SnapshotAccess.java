package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.localcloud.azure.Exchange;
import dev.ferry.localcloud.azure.Faults;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Function;

/** Grants and revokes read access to a snapshot (beginGetAccess, endGetAccess), answered with a SAS URL. */
final class SnapshotAccess {

    private final ComputeState state;
    private final Faults faults;
    private final Function<AccessGrant, String> sasUrls;
    private final LongRunningOperations longRunning;

    SnapshotAccess(ComputeState state, Faults faults, Function<AccessGrant, String> sasUrls,
            LongRunningOperations longRunning) {
        this.state = state;
        this.faults = faults;
        this.sasUrls = sasUrls;
        this.longRunning = longRunning;
    }

    void begin(Exchange exchange, ResourceKey key) throws IOException {
        JsonNode body = exchange.json();
        String access = body.path("access").asText("");
        if (!"read".equalsIgnoreCase(access)) {
            throw ArmError.badRequest("InvalidParameter", "access must be 'Read' for a snapshot, not '" + access + "'.");
        }
        long seconds = body.path("durationInSeconds").asLong(0);
        if (seconds <= 0) {
            throw ArmError.badRequest("InvalidParameter", "durationInSeconds must be positive.");
        }
        Snapshot snapshot = existing(key);
        longRunning.perform(exchange, key.subscriptionId(), snapshot.region(), () -> {
            AccessGrant granted = state.grantAccess(key, faults.sasLifetime(Duration.ofSeconds(seconds)));
            ObjectNode result = Exchange.JSON.createObjectNode();
            result.put("accessSAS", sasUrls.apply(granted));
            return result;
        }, false);
    }

    void end(Exchange exchange, ResourceKey key) throws IOException {
        Snapshot snapshot = existing(key);
        longRunning.perform(exchange, key.subscriptionId(), snapshot.region(), () -> {
            state.revokeAccess(key);
            return null;
        }, false);
    }

    private Snapshot existing(ResourceKey key) {
        return state.snapshot(key).orElseThrow(() -> ArmError.notFound("Microsoft.Compute/snapshots", key.id()));
    }
}
