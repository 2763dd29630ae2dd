package dev.ferry.localcloud.azure.compute;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * ARM's long-running operations: each runs its effect after a delay and keeps its status
 * (InProgress, Succeeded, Failed), its result body and its error, to be polled through the
 * operation-status resource and the Location URL.
 */
public final class Operations implements AutoCloseable {

    /** One long-running operation. */
    public static final class Operation {
        private final String id = UUID.randomUUID().toString();
        private final String subscriptionId;
        private final String region;
        private final Instant startTime = Instant.now();
        private volatile Instant endTime;
        private volatile String status = "InProgress";
        private volatile JsonNode result;
        private volatile ArmError error;

        Operation(String subscriptionId, String region) {
            this.subscriptionId = subscriptionId;
            this.region = region;
        }

        public String id() {
            return id;
        }

        public String subscriptionId() {
            return subscriptionId;
        }

        public String region() {
            return region;
        }

        public Instant startTime() {
            return startTime;
        }

        public Instant endTime() {
            return endTime;
        }

        public String status() {
            return status;
        }

        public boolean done() {
            return !"InProgress".equals(status);
        }

        /** The body served on the Location URL when done; null for none (204). */
        public JsonNode result() {
            return result;
        }

        public ArmError error() {
            return error;
        }

        /** The operation-status path, for {@code Azure-AsyncOperation}. */
        public String statusPath() {
            return "/subscriptions/" + subscriptionId + "/providers/Microsoft.Compute/locations/" + region + "/operations/" + id;
        }
    }

    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "fake-arm-operations");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Duration delay;

    public Operations(Duration delay) {
        this.delay = delay;
    }

    /** How long every operation takes from now on: a test sets it to model slow operations. */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    /** Starts an operation whose effect runs after the delay; the effect's return value is its result body. */
    public Operation start(String subscriptionId, String region, Callable<JsonNode> effect) {
        Operation operation = new Operation(subscriptionId, region);
        operations.put(operation.id, operation);
        scheduler.schedule(() -> finish(operation, effect), delay.toMillis(), TimeUnit.MILLISECONDS);
        return operation;
    }

    /** Runs a task repeatedly (e.g. a CopyStart's progress) until it returns true. */
    public void repeat(Duration period, Callable<Boolean> step) {
        scheduler.schedule(new Runnable() {
            @Override
            public void run() {
                try {
                    if (!step.call()) {
                        scheduler.schedule(this, period.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } catch (Exception e) {
                    // A step that throws ends its repetition; the state it left is what callers see.
                }
            }
        }, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether operations complete within the request that starts them (a zero delay). */
    public boolean immediate() {
        return delay.isZero();
    }

    public Operation get(String id) {
        return operations.get(id);
    }

    private static void finish(Operation operation, Callable<JsonNode> effect) {
        try {
            operation.result = effect.call();
            operation.status = "Succeeded";
        } catch (ArmError e) {
            operation.error = e;
            operation.status = "Failed";
        } catch (Exception e) {
            operation.error = new ArmError(500, "InternalOperationError", "The operation failed: " + e.getMessage());
            operation.status = "Failed";
        }
        operation.endTime = Instant.now();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
