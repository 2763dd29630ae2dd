package dev.ferry.restore.kube;

import dev.ferry.events.validation.Dns1123;
import dev.ferry.restore.config.RestoreConfig;
import dev.ferry.restore.drill.DrillCheckSpec;
import dev.ferry.restore.drill.DrillSchedule;
import dev.ferry.restore.drill.DrillSchedules;
import dev.ferry.support.time.KubeDurations;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/** The DR cluster's {@code drillschedules.ferry.dev} (cluster-scoped), read on each look: there are few, and looks are seconds apart. */
@ApplicationScoped
public class KubeDrillSchedules implements DrillSchedules {

    private static final Logger LOG = Logger.getLogger(KubeDrillSchedules.class);
    static final ResourceDefinitionContext DRILL_SCHEDULES = new ResourceDefinitionContext.Builder()
            .withGroup("ferry.dev").withVersion("v1alpha1").withKind("DrillSchedule").withPlural("drillschedules")
            .withNamespaced(false).build();
    /** The shortest interval a schedule may set: a drill restores every volume of the application. */
    static final Duration MIN_EVERY = Duration.ofMinutes(10);

    private final KubernetesClient client;
    private final Duration defaultTimeout;
    private final Duration maxTimeout;
    private volatile boolean warned;

    public KubeDrillSchedules(KubernetesClient client, RestoreConfig config) {
        this.client = client;
        this.defaultTimeout = config.drills().checkTimeout();
        this.maxTimeout = config.drills().maxCheckTimeout();
    }

    @Override
    public List<DrillSchedule> list() {
        try {
            List<DrillSchedule> schedules = client.genericKubernetesResources(DRILL_SCHEDULES).list().getItems().stream()
                    .map(r -> schedule(r, defaultTimeout, maxTimeout)).sorted(Comparator.comparing(DrillSchedule::name)).toList();
            warned = false;
            return schedules;
        } catch (KubernetesClientException e) {
            if (!warned) {
                LOG.warnf("DrillSchedules cannot be read (is the CRD drillschedules.ferry.dev installed?): HTTP %d; trying again on each"
                        + " tick", e.getCode());
                warned = true;
            }
            return List.of();
        }
    }

    static DrillSchedule schedule(GenericKubernetesResource resource, Duration defaultTimeout, Duration maxTimeout) {
        List<String> problems = new ArrayList<>();
        Map<?, ?> spec = resource.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m : Map.of();
        String sourceCluster = text(spec, "sourceCluster", problems);
        if (sourceCluster == null || !Dns1123.isSubdomain(sourceCluster)) {
            problems.add("sourceCluster must name the source cluster (a DNS subdomain) but is " + quoted(sourceCluster));
        }
        String namespace = text(spec, "namespace", problems);
        if (namespace == null || !Dns1123.isLabel(namespace)) {
            problems.add("namespace must name the application's source namespace (a DNS label) but is " + quoted(namespace));
        }
        String everyText = text(spec, "every", problems);
        Optional<Duration> every = KubeDurations.parse(everyText).filter(d -> d.compareTo(MIN_EVERY) >= 0);
        if (every.isEmpty()) {
            problems.add("every must be a duration such as 24h or 168h, at least " + KubeDurations.format(MIN_EVERY) + ", but is "
                    + quoted(everyText));
        }
        boolean suspend = Boolean.TRUE.equals(spec.get("suspend"));
        if (spec.get("suspend") != null && !(spec.get("suspend") instanceof Boolean)) {
            problems.add("suspend must be true or false");
        }
        DrillCheckSpec check = null;
        if (spec.get("check") instanceof Map<?, ?> c) {
            check = DrillCheckSpec.parse(text(c, "image", problems), c.get("command"), text(c, "timeout", problems), defaultTimeout,
                    maxTimeout, "check.", problems);
        } else if (spec.get("check") != null) {
            problems.add("check must be an object with image, command and timeout");
        }
        return new DrillSchedule(resource.getMetadata().getName(), sourceCluster, namespace, every.orElse(null), check, suspend, problems);
    }

    private static String text(Map<?, ?> map, String field, List<String> problems) {
        Object value = map.get(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        problems.add(field + " must be a string");
        return null;
    }

    private static String quoted(String text) {
        return text == null ? "missing" : "'" + text + "'";
    }
}
