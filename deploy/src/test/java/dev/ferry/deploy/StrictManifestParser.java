package dev.ferry.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses rendered manifests into fabric8's typed model, failing on any field the model does not know
 * (a typo such as {@code livenessprobe} would otherwise be dropped silently by the API server's client
 * and by kubectl's client-side apply).
 */
final class StrictManifestParser {

    /** The typed model of every built-in kind Ferry's manifests may contain. */
    private static final Map<String, Class<? extends HasMetadata>> TYPED = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("apiextensions.k8s.io/v1/CustomResourceDefinition", CustomResourceDefinition.class));

    /** Custom resources of operators whose Java model is not available here; their fields are checked by hand. */
    private static final Set<String> GENERIC_GROUPS = Set.of("kafka.strimzi.io", "keda.sh", "ferry.dev", "monitoring.coreos.com");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * fabric8's model classes keep unknown fields in an {@code additionalProperties} map through
     * {@code @JsonAnySetter}; with that annotation ignored, FAIL_ON_UNKNOWN_PROPERTIES applies to them.
     */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                    return Boolean.FALSE;
                }
            });

    private static final ObjectMapper LENIENT = new ObjectMapper();

    private StrictManifestParser() {
    }

    /** Every object of a multi-document YAML stream, typed; throws on the first object that does not fit its model. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var documents = YAML.readValues(parser, JsonNode.class);
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    objects.add(parse(document));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    static HasMetadata parse(JsonNode document) {
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        String name = document.path("metadata").path("name").asText();
        Class<? extends HasMetadata> type = TYPED.get(apiVersion + "/" + kind);
        try {
            if (type != null) {
                return STRICT.treeToValue(document, type);
            }
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            if (GENERIC_GROUPS.contains(group)) {
                return LENIENT.treeToValue(document, GenericKubernetesResource.class);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(apiVersion + " " + kind + " " + name + " does not fit its model: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("No model for " + apiVersion + " " + kind + " " + name
                + ": add its fabric8 class to StrictManifestParser (or its group, if it is an operator's custom resource)");
    }
}
