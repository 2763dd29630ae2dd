package dev.ferry.localcloud.csi;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Typed reads of the untyped snapshot objects, which this module handles as {@link GenericKubernetesResource}. */
final class Resources {

    private Resources() {
    }

    static String string(GenericKubernetesResource resource, Object... path) {
        Object value = value(resource, path);
        return value == null ? null : value.toString();
    }

    static Boolean bool(GenericKubernetesResource resource, Object... path) {
        Object value = value(resource, path);
        return value instanceof Boolean b ? b : value == null ? null : Boolean.valueOf(value.toString());
    }

    static Long number(GenericKubernetesResource resource, Object... path) {
        Object value = value(resource, path);
        if (value instanceof Number n) {
            return n.longValue();
        }
        return value == null ? null : Long.valueOf(value.toString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(GenericKubernetesResource resource, String field) {
        Object value = resource.getAdditionalProperties().get(field);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** A mutable copy of a top-level field such as {@code status}, empty when it is absent. */
    static Map<String, Object> copyOf(GenericKubernetesResource resource, String field) {
        Map<String, Object> value = map(resource, field);
        return value == null ? new LinkedHashMap<>() : new LinkedHashMap<>(value);
    }

    /** Whether two values have the same JSON (a number read back may be an Integer where a Long was written). */
    static boolean sameJson(KubernetesClient client, Map<String, Object> written, Map<String, Object> read) {
        KubernetesSerialization json = client.getKubernetesSerialization();
        return Objects.equals(json.unmarshal(new ByteArrayInputStream(json.asJson(written).getBytes(StandardCharsets.UTF_8)), new TypeReference<Map<String, Object>>() {
        }), read);
    }

    private static Object value(GenericKubernetesResource resource, Object... path) {
        Object current = resource.getAdditionalProperties();
        for (Object step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }
}
