package dev.ferry.snapshot.kube;

import dev.ferry.snapshot.config.SnapshotConfig;
import dev.ferry.snapshot.policy.BackupPolicies;
import dev.ferry.snapshot.policy.BackupPolicy;
import dev.ferry.snapshot.policy.PolicyCondition;
import dev.ferry.snapshot.policy.PolicyRef;
import dev.ferry.snapshot.policy.PolicyStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * BackupPolicies ({@code ferry.dev/v1alpha1}) through a fabric8 informer over generic resources:
 * a policy whose spec does not even have the right JSON types is still read, and its problems
 * reported in its status, where a typed class would fail to deserialize it. The informer starts on
 * the first look and, while the CRD is not installed, again on each later look.
 */
@ApplicationScoped
public class KubeBackupPolicies implements BackupPolicies {

    static final String API_VERSION = "ferry.dev/v1alpha1";
    static final ResourceDefinitionContext BACKUP_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("ferry.dev").withVersion("v1alpha1").withKind("BackupPolicy").withPlural("backuppolicies")
            .withNamespaced(true).build();
    private static final Logger LOG = Logger.getLogger(KubeBackupPolicies.class);
    private static final int STATUS_ATTEMPTS = 3;

    private final KubernetesClient client;
    private final SnapshotConfig config;
    private SharedIndexInformer<GenericKubernetesResource> informer;
    private boolean warned;

    public KubeBackupPolicies(KubernetesClient client, SnapshotConfig config) {
        this.client = client;
        this.config = config;
    }

    @PreDestroy
    synchronized void stop() {
        if (informer != null) {
            informer.stop();
        }
    }

    @Override
    public List<BackupPolicy> list() {
        SharedIndexInformer<GenericKubernetesResource> started = informer();
        if (started == null) {
            return List.of();
        }
        return started.getStore().list().stream()
                .filter(resource -> resource.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing((GenericKubernetesResource r) -> r.getMetadata().getNamespace())
                        .thenComparing(r -> r.getMetadata().getName()))
                .map(KubeBackupPolicies::policy)
                .toList();
    }

    @Override
    public Optional<BackupPolicy> find(String namespace, String name) {
        SharedIndexInformer<GenericKubernetesResource> started = informer();
        if (started == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(started.getStore().getByKey(namespace + "/" + name)).map(KubeBackupPolicies::policy);
    }

    @Override
    public boolean writeStatus(PolicyRef ref, PolicyStatus status) {
        var policies = client.genericKubernetesResources(BACKUP_POLICIES).inNamespace(ref.namespace());
        for (int attempt = 1; ; attempt++) {
            GenericKubernetesResource current = policies.withName(ref.name()).get();
            if (current == null || (ref.uid() != null && !ref.uid().equals(current.getMetadata().getUid()))) {
                return false;
            }
            current.setAdditionalProperty("status", statusMap(status));
            try {
                policies.resource(current).updateStatus();
                return true;
            } catch (KubernetesClientException e) {
                // 409: the policy changed between our read and our write; read it again.
                if (e.getCode() != 409 || attempt >= STATUS_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private synchronized SharedIndexInformer<GenericKubernetesResource> informer() {
        if (informer != null) {
            return informer;
        }
        SharedIndexInformer<GenericKubernetesResource> candidate = client.genericKubernetesResources(BACKUP_POLICIES).inAnyNamespace()
                .runnableInformer(0);
        try {
            candidate.start().toCompletableFuture().get(config.policies().informerStartTimeout().toMillis(), TimeUnit.MILLISECONDS);
            informer = candidate;
            LOG.infof("watching BackupPolicies (%d found)", candidate.getStore().list().size());
            warned = false;
            return informer;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            candidate.stop();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (!warned) {
                LOG.warnf("BackupPolicies cannot be watched yet (is the CRD backuppolicies.ferry.dev installed?): %s; trying again"
                        + " on each tick", cause == null ? e.toString() : cause.getMessage());
                warned = true;
            }
            return null;
        } catch (InterruptedException e) {
            candidate.stop();
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---- resource <-> domain ----------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static BackupPolicy policy(GenericKubernetesResource resource) {
        var metadata = resource.getMetadata();
        PolicyRef ref = new PolicyRef(metadata.getNamespace(), metadata.getName(), metadata.getUid());
        Object spec = resource.getAdditionalProperties().get("spec");
        Object status = resource.getAdditionalProperties().get("status");
        return BackupPolicy.read(ref, metadata.getGeneration() == null ? 0 : metadata.getGeneration(), instant(metadata.getCreationTimestamp()),
                spec instanceof Map<?, ?> map ? (Map<String, ?>) map : null,
                status instanceof Map<?, ?> map ? status((Map<String, ?>) map) : PolicyStatus.EMPTY);
    }

    static PolicyStatus status(Map<String, ?> status) {
        List<PolicyCondition> conditions = new ArrayList<>();
        if (status.get("conditions") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> c && c.get("type") instanceof String type && c.get("status") instanceof String state) {
                    conditions.add(new PolicyCondition(type, state, text(c.get("reason")), text(c.get("message")),
                            instant(text(c.get("lastTransitionTime"))), number(c.get("observedGeneration"))));
                }
            }
        }
        return new PolicyStatus(number(status.get("observedGeneration")), instant(text(status.get("lastScheduleTime"))),
                text(status.get("lastBackupId")), instant(text(status.get("nextScheduleTime"))), conditions);
    }

    static Map<String, Object> statusMap(PolicyStatus status) {
        Map<String, Object> map = new LinkedHashMap<>();
        put(map, "observedGeneration", status.observedGeneration());
        put(map, "lastScheduleTime", rfc3339(status.lastScheduleTime()));
        put(map, "lastBackupId", status.lastBackupId());
        put(map, "nextScheduleTime", rfc3339(status.nextScheduleTime()));
        List<Map<String, Object>> conditions = new ArrayList<>();
        for (PolicyCondition condition : status.conditions()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("type", condition.type());
            c.put("status", condition.status());
            put(c, "reason", condition.reason());
            put(c, "message", condition.message());
            put(c, "lastTransitionTime", rfc3339(condition.lastTransitionTime()));
            put(c, "observedGeneration", condition.observedGeneration());
            conditions.add(c);
        }
        map.put("conditions", conditions);
        return map;
    }

    // Kubernetes times have whole seconds.
    private static String rfc3339(Instant instant) {
        return instant == null ? null : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
