package dev.ferry.restore;

import dev.ferry.events.FerryEvent;
import dev.ferry.events.RestoreRequested;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Restore requests for unit tests: {@code Requests.restore("r1").of("b1").into("drill").build()}. */
final class Requests {

    static final Instant REQUESTED_AT = Instant.parse("2026-11-24T12:00:00Z");
    /** Lets anyone restore anything: for tests of what is checked beside who asked. */
    static final RestoreAccess ANYONE = (point, target, createNamespace) -> {
    };

    private final String restoreId;
    private String restorePointId;
    private String namespace;
    private String sourceCluster;
    private String targetNamespace;
    private final Map<String, String> storageClassMap = new HashMap<>();
    private boolean createNamespace;
    private boolean allowPartial;

    private Requests(String restoreId) {
        this.restoreId = restoreId;
    }

    static Requests restore(String restoreId) {
        return new Requests(restoreId);
    }

    Requests of(String restorePointId) {
        this.restorePointId = restorePointId;
        return this;
    }

    /** The newest complete restore point of that namespace. */
    Requests latestOf(String namespace) {
        this.namespace = namespace;
        return this;
    }

    Requests fromCluster(String sourceCluster) {
        this.sourceCluster = sourceCluster;
        return this;
    }

    Requests into(String targetNamespace) {
        this.targetNamespace = targetNamespace;
        return this;
    }

    Requests mapping(String sourceClass, String drClass) {
        storageClassMap.put(sourceClass, drClass);
        return this;
    }

    Requests creatingTheNamespace() {
        createNamespace = true;
        return this;
    }

    Requests allowingPartial() {
        allowPartial = true;
        return this;
    }

    RestoreRequested build() {
        return new RestoreRequested(FerryEvent.SCHEMA_VERSION, restoreId, "corr-" + restoreId, restorePointId, sourceCluster, namespace,
                targetNamespace, storageClassMap.isEmpty() ? null : Map.copyOf(storageClassMap), createNamespace, allowPartial, "test",
                REQUESTED_AT);
    }
}
