package dev.ferry.deploy;

import java.util.TreeMap;
import java.util.Map;
import java.util.ArrayList;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each service's pods: probes, resources, a locked-down container, Workload Identity, settings that resolve. */
class WorkloadsTest {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    static Stream<Arguments> deployments() {
        return Stream.of(Targets.SOURCE_CLUSTER, Targets.DR_CLUSTER, Targets.SOURCE_CLUSTER_HPA)
                .flatMap(target -> Targets.objects(target, Deployment.class).stream()
                        .map(deployment -> Arguments.of(target, deployment.getMetadata().getName())));
    }

    static List<String> targets() {
        return Targets.all();
    }

    @Test
    void eachClusterRunsItsServices() {
        assertThat(Targets.objects(Targets.SOURCE_CLUSTER, Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("snapshot-service", "export-service");
        assertThat(Targets.objects(Targets.DR_CLUSTER, Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("import-service", "restore-service");
        // Both clusters know Ferry's kinds; snapshot-service reads the BackupPolicies, restore-service the DrillSchedules.
        for (String target : List.of(Targets.SOURCE_CLUSTER, Targets.DR_CLUSTER)) {
            assertThat(Targets.objects(target, CustomResourceDefinition.class)).extracting(crd -> crd.getMetadata().getName())
                    .as("CRDs of %s", target).containsExactlyInAnyOrder("backuppolicies.ferry.dev", "drillschedules.ferry.dev");
        }
        CustomResourceDefinition policies = Targets.find(Targets.SOURCE_CLUSTER, CustomResourceDefinition.class,
                "backuppolicies.ferry.dev").orElseThrow();
        assertThat(policies.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(policies.getSpec().getVersions()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("v1alpha1");
            assertThat(v.getSubresources().getStatus()).isNotNull();
        });
    }

    @Test
    void theBackupPolicySelectorsCelRuleWorksOnBoundedInput() {
        // An API server rejects a CEL rule whose estimated cost is too high; it estimates from these bounds.
        CustomResourceDefinition crd = Targets.find(Targets.SOURCE_CLUSTER, CustomResourceDefinition.class, "backuppolicies.ferry.dev")
                .orElseThrow();
        var expressions = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getProperties().get("selector").getProperties().get("matchExpressions");
        assertThat(expressions.getMaxItems()).isEqualTo(32L);
        var expression = expressions.getItems().getSchema();
        assertThat(expression.getXKubernetesValidations()).isNotEmpty();
        assertThat(expression.getProperties().get("key").getMaxLength()).isEqualTo(317L);
        assertThat(expression.getProperties().get("operator").getMaxLength()).isEqualTo(12L);
        assertThat(expression.getProperties().get("values").getMaxItems()).isEqualTo(32L);
        assertThat(expression.getProperties().get("values").getItems().getSchema().getMaxLength()).isEqualTo(63L);
    }

    @ParameterizedTest
    @MethodSource("targets")
    void noSecretIsCommitted(String target) {
        assertThat(Targets.objects(target, Secret.class)).as("Secrets in %s", target).isEmpty();
        assertThat(Targets.objects(target, ConfigMap.class)).as("ConfigMaps in %s", target)
                .allSatisfy(map -> assertThat(map.getData().keySet()).noneMatch(k -> k.matches("(?i).*(SECRET|PASSWORD|CONNECTION_STRING|JAAS).*")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deployments")
    void probesOnQuarkusHealthAndResourceLimits(String target, String name) {
        Container container = container(target, name);

        // Quarkus' management interface (quarkus.management.port in each service's application.properties).
        assertThat(httpProbe(container, container.getLivenessProbe())).as("%s liveness", name).isEqualTo("/q/health/live:9000");
        assertThat(httpProbe(container, container.getReadinessProbe())).as("%s readiness", name).isEqualTo("/q/health/ready:9000");
        assertThat(container.getResources().getRequests()).as("%s requests", name).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).as("%s limits", name).containsKeys("cpu", "memory");
        assertThat(container.getImage()).as("%s image", name).startsWith("ghcr.io/ferry-dev/" + name + ":");
        Service service = Targets.find(target, Service.class, name).orElseThrow();
        assertThat(service.getSpec().getSelector()).isEqualTo(Targets.find(target, Deployment.class, name).orElseThrow()
                .getSpec().getSelector().getMatchLabels());
    }

    /**
     * Ingress to a service's pods is what its NetworkPolicy names, in a namespace that denies the rest: the REST port
     * from Ferry's namespace and namespaces labelled as API clients, the management port from scrapers only.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deployments")
    void onlyTheNamedClientsReachEachPort(String target, String name) {
        assertThat(Targets.objects(target, NetworkPolicy.class)).as("a default deny in %s", target).anySatisfy(policy -> {
            assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
        });
        NetworkPolicy policy = Targets.find(target, NetworkPolicy.class, name).orElseThrow();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Targets.find(target, Deployment.class, name)
                .orElseThrow().getSpec().getSelector().getMatchLabels());
        Map<String, List<String>> fromByPort = new TreeMap<>();
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            List<String> from = rule.getFrom().stream().map(peer -> peer.getNamespaceSelector() != null
                    ? "namespaces " + peer.getNamespaceSelector().getMatchLabels() : "pods " + peer.getPodSelector().getMatchLabels()).toList();
            assertThat(from).as("%s: every rule names its clients", name).isNotEmpty();
            rule.getPorts().forEach(port -> fromByPort.computeIfAbsent(port.getPort().getStrVal(), p -> new ArrayList<>()).addAll(from));
        }
        List<String> scrapers = List.of("namespaces {ferry.dev/metrics-scrapers=true}");
        if (name.equals("export-service")) {
            assertThat(fromByPort).as("export-service has no REST API").isEqualTo(Map.of("management", scrapers));
        } else {
            assertThat(fromByPort).isEqualTo(Map.of("http", List.of("pods {}", "namespaces {ferry.dev/api-clients=true}"),
                    "management", scrapers));
        }
        Container container = container(target, name);
        assertThat(container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                .contains(org.assertj.core.groups.Tuple.tuple("management", 9000));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deployments")
    void runsAsNonRootOnAReadOnlyRootWithAWritableTmp(String target, String name) {
        PodSpec pod = pod(target, name);
        Container container = container(target, name);

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("%s pod runAsNonRoot", name).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getSecurityContext().getRunAsNonRoot()).as("%s runAsNonRoot", name).isTrue();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", name).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", name).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        VolumeMount tmp = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
                .orElseThrow(() -> new AssertionError(name + " mounts nothing at /tmp"));
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst().orElseThrow();
        assertThat(volume.getEmptyDir()).as("%s /tmp is an emptyDir", name).isNotNull();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deployments")
    void usesAzureWorkloadIdentity(String target, String name) {
        Deployment deployment = Targets.find(target, Deployment.class, name).orElseThrow();
        ServiceAccount account = Targets.find(target, ServiceAccount.class,
                deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).orElseThrow();

        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("azure.workload.identity/use", "true");
        assertThat(account.getMetadata().getAnnotations()).hasEntrySatisfying("azure.workload.identity/client-id",
                id -> assertThat(id).matches(UUID));
        assertThat(container(target, name).getEnv()).extracting(EnvVar::getName)
                .as("%s: a service principal would override Workload Identity", name)
                .doesNotContain("FERRY_AZURE_CLIENT_ID", "FERRY_AZURE_CLIENT_SECRET");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deployments")
    void everyConfigMapReferenceResolves(String target, String name) {
        Container container = container(target, name);
        List<ConfigMap> maps = Targets.objects(target, ConfigMap.class);

        assertThat(container.getEnvFrom()).allSatisfy(from -> assertThat(maps)
                .anyMatch(m -> m.getMetadata().getName().equals(from.getConfigMapRef().getName())));
        container.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null)
                .forEach(e -> {
                    var ref = e.getValueFrom().getConfigMapKeyRef();
                    assertThat(maps).as("%s %s: ConfigMap %s with key %s", name, e.getName(), ref.getName(), ref.getKey())
                            .anyMatch(m -> m.getMetadata().getName().equals(ref.getName()) && m.getData().containsKey(ref.getKey()));
                });
        assertThat(container.getEnv()).extracting(EnvVar::getName).contains("FERRY_CLUSTER", "KAFKA_BOOTSTRAP_SERVERS");
    }

    private static PodSpec pod(String target, String name) {
        return Targets.find(target, Deployment.class, name).orElseThrow().getSpec().getTemplate().getSpec();
    }

    private static Container container(String target, String name) {
        List<Container> containers = pod(target, name).getContainers();
        assertThat(containers).as("%s containers", name).hasSize(1);
        return containers.get(0);
    }

    /** path:port of an HTTP GET probe, a named port resolved to its number. */
    private static String httpProbe(Container container, Probe probe) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet()).isNotNull();
        var port = probe.getHttpGet().getPort();
        int number = port.getIntVal() != null ? port.getIntVal()
                : container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                        .map(ContainerPort::getContainerPort).findFirst().orElseThrow();
        return probe.getHttpGet().getPath() + ":" + number;
    }
}
