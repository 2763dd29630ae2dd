package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.localcloud.azure.Exchange;
import dev.ferry.localcloud.azure.Faults;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** Grants and revokes read access to a snapshot (beginGetAccess, endGetAccess), answered with a SAS URL. */
final class SnapshotAccess {

    /** {@code AccessLevel} of the Compute API. */
    private static final List<String> ACCESS_LEVELS = List.of("None", "Read", "Write");
    /** {@code FileFormat} of the Compute API. */
    private static final List<String> FILE_FORMATS = List.of("VHD", "VHDX");

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

    /**
     * beginGetAccess. {@code fileFormat} ({@code FileFormat} of the Compute API) may be {@code VHD}, the format the
     * fake serves every snapshot in; it holds no snapshot in VHDX format, so a request for {@code VHDX} is refused
     * (400 {@code InvalidParameter}) rather than answered with a VHD, as is any other value.
     */
    void begin(Exchange exchange, ResourceKey key) throws IOException {
        JsonNode body = RequestBody.of(exchange).root();
        String access = RequestBody.oneOf(body, "access", "access", ACCESS_LEVELS);
        if (!"Read".equals(access)) {
            throw ArmError.badRequest("InvalidParameter", "access must be 'Read' for a snapshot, not '" + (access == null ? "" : access) + "'.");
        }
        Long seconds = RequestBody.integer(body, "durationInSeconds", "durationInSeconds");
        if (seconds == null || seconds <= 0) {
            throw ArmError.badRequest("InvalidParameter", "durationInSeconds must be positive.");
        }
        String format = RequestBody.oneOf(body, "fileFormat", "fileFormat", FILE_FORMATS);
        if ("VHDX".equals(format)) {
            throw new ArmError(400, "InvalidParameter", "Snapshot '" + key.name() + "' is not in the VHDX file format;"
                    + " the fake serves snapshots as VHD only.", "fileFormat", List.of());
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
