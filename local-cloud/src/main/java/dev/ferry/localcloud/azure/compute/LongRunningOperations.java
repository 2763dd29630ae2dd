package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.localcloud.azure.Exchange;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * ARM's long-running operations as the Compute API answers them: a request's effect runs within the request (a
 * zero operation delay) or as an operation whose status and Location URLs the client polls.
 */
final class LongRunningOperations {

    private static final Duration POLL_HINT = Duration.ofMillis(50);

    private final Operations operations;

    LongRunningOperations(Operations operations) {
        this.operations = operations;
    }

    /**
     * A create or update: 200 with the resource's final state at once, or 200 with its state now and an operation
     * that provisions it.
     */
    void provision(Exchange exchange, String subscription, String region, Runnable provisioned,
            Supplier<JsonNode> resource) throws IOException {
        if (operations.immediate()) {
            provisioned.run();
            exchange.sendJson(200, resource.get());
            return;
        }
        Operations.Operation operation = operations.start(subscription, region, () -> {
            provisioned.run();
            return null;
        });
        accept(exchange, operation, 200, resource.get());
    }

    /**
     * An action: 200 with its result (if any) once it has run within the request, which {@code atOnce} asks for
     * even when operations take time; otherwise 202 and an operation.
     */
    void perform(Exchange exchange, String subscription, String region, Callable<JsonNode> effect, boolean atOnce)
            throws IOException {
        if (operations.immediate() || atOnce) {
            JsonNode result = call(effect);
            if (result == null) {
                exchange.sendEmpty(200);
            } else {
                exchange.sendJson(200, result);
            }
            return;
        }
        accept(exchange, operations.start(subscription, region, effect), 202, null);
    }

    /** Answers a poll of the operation-status resource or, with {@code monitor}, of the Location URL. */
    void poll(Exchange exchange, String id) throws IOException {
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
        if (!monitor) {
            exchange.sendJson(200, ComputeJson.operationStatus(operation));
        } else if (operation.error() != null) {
            exchange.sendArmError(operation.error().status(), operation.error().code(), operation.error().getMessage());
        } else if (operation.result() != null) {
            exchange.sendJson(200, operation.result());
        } else {
            exchange.sendEmpty(204);
        }
    }

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

    private static void accept(Exchange exchange, Operations.Operation operation, int status, JsonNode body)
            throws IOException {
        String origin = exchange.origin("https");
        String apiVersion = exchange.query("api-version") == null ? "" : "?api-version=" + exchange.query("api-version");
        exchange.header("Azure-AsyncOperation", origin + operation.statusPath() + apiVersion);
        exchange.header("Location", origin + operation.statusPath() + (apiVersion.isEmpty() ? "?" : apiVersion + "&")
                + "monitor=true");
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
    private static void retryHint(Exchange exchange) {
        exchange.header("Retry-After", "1");
        exchange.header("retry-after-ms", Long.toString(POLL_HINT.toMillis()));
    }
}
