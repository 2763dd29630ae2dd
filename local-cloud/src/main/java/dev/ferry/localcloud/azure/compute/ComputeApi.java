package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.localcloud.azure.Exchange;
import dev.ferry.localcloud.azure.Faults;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Compute REST API of the fake Resource Manager (disks, snapshots, access grants and their
 * long-running operations), answering as ARM does so that the Azure SDK for Java works unchanged.
 * This class routes each request to {@link DisksAndSnapshots}, {@link SnapshotAccess} or
 * {@link LongRunningOperations}.
 */
public final class ComputeApi {

    private final Faults faults;
    private final LongRunningOperations longRunning;
    private final DisksAndSnapshots resources;
    private final ComputeJson json;
    private final SnapshotAccess access;
    private final ComputeRatePolicies ratePolicies = new ComputeRatePolicies();
    private final ComputeState state;

    /**
     * @param sasUrls makes the data-plane URL of a grant (the fake's SAS endpoint)
     */
    public ComputeApi(ComputeState state, Operations operations, Faults faults, Function<AccessGrant, String> sasUrls) {
        this.faults = faults;
        this.state = state;
        this.longRunning = new LongRunningOperations(operations);
        this.json = new ComputeJson(state);
        this.resources = new DisksAndSnapshots(state, operations, longRunning, json);
        this.access = new SnapshotAccess(state, faults, sasUrls, longRunning);
    }

    /**
     * Whether the ids in answers (a resource's {@code id}, {@code creationData.sourceResourceId} and
     * {@code storageAccountId}) name the resource group in capitals, as Compute answers (on unless set), or in the
     * casing the resource was created with.
     */
    public void upperCaseResourceGroupsInIds(boolean upperCase) {
        json.upperCaseResourceGroups(upperCase);
    }

    /** How fast a CopyStart moves the source's written bytes. */
    public void copyStartBandwidth(long bytesPerSecond) {
        resources.copyStartBandwidth(bytesPerSecond);
    }

    /**
     * How many times faster than {@link #copyStartBandwidth} a CopyStart with
     * {@code provisionedBandwidthCopySpeed: Enhanced} moves (4 unless set; Azure says only that it is quicker).
     */
    public void enhancedCopySpeedFactor(double factor) {
        resources.enhancedCopySpeedFactor(factor);
    }

    /**
     * How many disks or snapshots a page of a list holds ({@value DisksAndSnapshots#DEFAULT_PAGE_SIZE} unless set);
     * a longer list answers a page at a time, each with the {@code nextLink} of the next.
     */
    public void listPageSize(int size) {
        resources.listPageSize(size);
    }

    /**
     * Sizes Compute's own throttling windows ({@code CreateUpdateDisks3Min}, {@code ...30Min}, the same for deletes)
     * and refuses a disk or snapshot write to an empty one with 429; unset, the windows are only reported.
     */
    public void computeRateLimits(int per3Minutes, int per30Minutes) {
        ratePolicies.limit(per3Minutes, per30Minutes);
    }

    /** The default: Compute's windows at 1000 per 3 minutes and 8000 per 30, reported on answers but never refused on. */
    public void computeRateLimitsReportedOnly() {
        ratePolicies.reportOnly();
    }

    /** Handles a request under {@code /subscriptions/}. The caller has checked the bearer token. */
    public void handle(Exchange exchange) throws IOException {
        String[] p = exchange.path().replaceAll("^/+|/+$", "").split("/");
        String method = exchange.method();
        Faults.Kind kind = "GET".equals(method) ? Faults.Kind.ARM_READ
                : p.length == 9 && "beginGetAccess".equalsIgnoreCase(p[8]) ? Faults.Kind.GRANT_ACCESS : Faults.Kind.ARM_WRITE;
        try {
            // Resource Manager refuses a request without a usable api-version before it reaches the provider.
            String apiVersion = ApiVersions.require(exchange);
            if (faults.apply(kind, exchange, true)) {
                return;
            }
            route(exchange, p, method, apiVersion);
        } catch (ArmError e) {
            exchange.header("x-ms-error-code", e.code());
            exchange.sendJson(e.status(), e.body());
        }
    }

    private void route(Exchange exchange, String[] p, String method, String apiVersion) throws IOException {
        // /subscriptions/{s}/providers/Microsoft.Compute/locations/{region}/operations/{id}
        if (p.length == 8 && is(p[2], "providers") && is(p[4], "locations") && is(p[6], "operations") && "GET".equals(method)) {
            longRunning.poll(exchange, p[7]);
            return;
        }
        // /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Storage/storageAccounts/{name}/listKeys
        if (p.length == 9 && is(p[2], "resourceGroups") && is(p[5], ResourceKey.STORAGE) && is(p[6], "storageAccounts")
                && is(p[8], "listKeys") && "POST".equals(method)) {
            listKeys(exchange, state.storageAccount(p[1], p[3], p[7]));
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
        ApiVersions.requireDiskRp(apiVersion, type, state.resourceGroupRegion(subscription, group), state.regions());
        if (p.length == 7 && "GET".equals(method)) {
            resources.list(exchange, subscription, group, snapshots);
            return;
        }
        ResourceKey key = snapshots ? ResourceKey.snapshot(subscription, group, p[7]) : ResourceKey.disk(subscription, group, p[7]);
        if (p.length == 8) {
            countUnderComputesPolicy(exchange, subscription, method);
            switch (method) {
                case "GET" -> resources.get(exchange, key, snapshots);
                case "PUT" -> resources.put(exchange, key, snapshots);
                case "DELETE" -> resources.delete(exchange, key, snapshots);
                default -> throw new ArmError(405, "MethodNotAllowed", "The fake does not support " + method + " here.");
            }
            return;
        }
        if (p.length == 9 && snapshots && "POST".equals(method) && is(p[8], "beginGetAccess")) {
            access.begin(exchange, key);
            return;
        }
        if (p.length == 9 && snapshots && "POST".equals(method) && is(p[8], "endGetAccess")) {
            access.end(exchange, key);
            return;
        }
        throw new ArmError(404, "NotFound", "The fake does not serve " + method + " '" + exchange.path() + "'.");
    }

    /**
     * Storage's List Keys (Storage Accounts - List Keys): the account's key as {@code key1} with full permissions, the
     * way a client with rights on the account reads it. Azurite holds one key per account, so there is no {@code key2}.
     */
    private static void listKeys(Exchange exchange, StorageAccount account) throws IOException {
        String key = null;
        for (String part : account.connectionString().split(";")) {
            if (part.startsWith("AccountKey=")) {
                key = part.substring("AccountKey=".length());
            }
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("keys").addObject().put("keyName", "key1").put("permissions", "FULL").put("value", key);
        exchange.sendJson(200, body);
    }

    /**
     * Compute's {@code x-ms-ratelimit-remaining-resource} on the disk and snapshot writes it has a policy for, and its
     * refusal when the policy's window is empty (Troubleshooting API throttling errors, Azure Virtual Machines).
     */
    private void countUnderComputesPolicy(Exchange exchange, String subscription, String method) {
        ComputeRatePolicies.Policy policy = switch (method) {
            case "PUT" -> ComputeRatePolicies.Policy.CREATE_UPDATE_DISKS;
            case "DELETE" -> ComputeRatePolicies.Policy.DELETE_DISKS;
            default -> null;
        };
        if (policy != null) {
            ComputeRatePolicies.Count count = ratePolicies.count(subscription, policy);
            exchange.header("x-ms-ratelimit-remaining-resource", count.header());
            if (count.refusedBy() != null) {
                long seconds = Math.max(1, (count.retryAfter().toMillis() + 999) / 1000);
                exchange.header("Retry-After", Long.toString(seconds));
                throw new ArmError(429, "OperationNotAllowed", "The server rejected the request because too many requests"
                        + " have been received for this subscription (policy '" + count.refusedBy() + "').");
            }
        }
    }

    private static boolean is(String segment, String expected) {
        return segment.equalsIgnoreCase(expected);
    }
}
