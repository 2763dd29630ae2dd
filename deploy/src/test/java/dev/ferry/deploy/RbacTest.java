package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each service's ServiceAccount has exactly the Kubernetes API rights its work needs, and no more. */
class RbacTest {

    /** What a service with a REST API needs to ask its cluster who calls and what they may do. */
    private static final String[] ACCESS_REVIEWS = {
            "authentication.k8s.io/tokenreviews", "create",
            "authorization.k8s.io/subjectaccessreviews", "create"};

    /** apiGroup/resource: verbs. "" is the core group. */
    private static final Map<String, Set<String>> EXPECTED = Map.of(
            "snapshot-service", rights(
                    "/persistentvolumeclaims", "get list watch",
                    "/persistentvolumes", "get list watch",
                    // KubeClusterVolumes checks that the requested namespace exists (422 namespace-not-found).
                    "/namespaces", "get",
                    "snapshot.storage.k8s.io/volumesnapshots", "create get list watch delete",
                    "snapshot.storage.k8s.io/volumesnapshotcontents", "get list watch",
                    "ferry.dev/backuppolicies", "get list watch",
                    "ferry.dev/backuppolicies/status", "update patch",
                    ACCESS_REVIEWS[0], ACCESS_REVIEWS[1], ACCESS_REVIEWS[2], ACCESS_REVIEWS[3]),
            "export-service", rights(),
            // The sweep API's callers are checked; import-service reads and writes no other Kubernetes object.
            "import-service", rights(ACCESS_REVIEWS),
            // A drill deletes what it made by label (fabric8 sends one DELETE of the collection: deletecollection), and
            // its scratch namespace by name; it lists the scratch namespaces and the DrillSchedules.
            "restore-service", rights(
                    "/namespaces", "create get list delete",
                    "/persistentvolumeclaims", "create get list watch deletecollection",
                    "snapshot.storage.k8s.io/volumesnapshots", "create get list watch deletecollection",
                    "snapshot.storage.k8s.io/volumesnapshotcontents", "create get list watch deletecollection",
                    "batch/jobs", "create get list watch deletecollection",
                    "ferry.dev/drillschedules", "list",
                    "storage.k8s.io/storageclasses", "get list",
                    ACCESS_REVIEWS[0], ACCESS_REVIEWS[1], ACCESS_REVIEWS[2], ACCESS_REVIEWS[3]));

    static Stream<Arguments> deployments() {
        return Stream.of(Targets.SOURCE_CLUSTER, Targets.DR_CLUSTER, Targets.SOURCE_CLUSTER_HPA)
                .flatMap(target -> Targets.objects(target, Deployment.class).stream()
                        .map(deployment -> Arguments.of(target, deployment.getMetadata().getName())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deployments")
    void theServiceAccountHasExactlyTheExpectedRights(String target, String name) {
        Deployment deployment = Targets.find(target, Deployment.class, name).orElseThrow();
        String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        String namespace = deployment.getMetadata().getNamespace();
        assertThat(account).as("serviceAccountName of %s", name).isEqualTo(name);
        assertThat(Targets.find(target, ServiceAccount.class, account)).as("ServiceAccount %s", account).isPresent();
        assertThat(EXPECTED).as("an expected RBAC table entry for %s", name).containsKey(name);

        assertThat(rightsOf(target, namespace, account)).as("rights bound to %s/%s", namespace, account)
                .containsExactlyInAnyOrderElementsOf(EXPECTED.get(name));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deployments")
    void aServiceWithoutRightsMountsNoToken(String target, String name) {
        if (!EXPECTED.get(name).isEmpty()) {
            return;
        }
        Deployment deployment = Targets.find(target, Deployment.class, name).orElseThrow();
        ServiceAccount account = Targets.find(target, ServiceAccount.class, name).orElseThrow();

        assertThat(account.getAutomountServiceAccountToken()).as("ServiceAccount %s automountServiceAccountToken", name).isFalse();
        assertThat(deployment.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                .as("pod of %s automountServiceAccountToken", name).isFalse();
    }

    /** Every apiGroup/resource:verb granted to the account through RoleBindings and ClusterRoleBindings. */
    private static Set<String> rightsOf(String target, String namespace, String account) {
        List<HasMetadata> objects = Targets.objects(target);
        List<PolicyRule> rules = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (object instanceof ClusterRoleBinding binding && bindsAccount(binding.getSubjects(), namespace, account)) {
                rules.addAll(rulesOf(target, binding.getRoleRef(), null));
            } else if (object instanceof RoleBinding binding && bindsAccount(binding.getSubjects(), namespace, account)) {
                rules.addAll(rulesOf(target, binding.getRoleRef(), binding.getMetadata().getNamespace()));
            }
        }
        Set<String> rights = new TreeSet<>();
        for (PolicyRule rule : rules) {
            assertThat(rule.getResourceNames()).as("resourceNames are not used").isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).as("nonResourceURLs are not granted").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        rights.add(group + "/" + resource + ":" + verb);
                    }
                }
            }
        }
        return rights;
    }

    private static boolean bindsAccount(List<Subject> subjects, String namespace, String account) {
        return subjects != null && subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
                && account.equals(s.getName()) && namespace.equals(s.getNamespace()));
    }

    private static List<PolicyRule> rulesOf(String target, RoleRef ref, String bindingNamespace) {
        if ("ClusterRole".equals(ref.getKind())) {
            return Targets.find(target, ClusterRole.class, ref.getName())
                    .orElseThrow(() -> new AssertionError("ClusterRole " + ref.getName() + " is bound but not defined in " + target))
                    .getRules();
        }
        return Targets.objects(target, Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(ref.getName()) && r.getMetadata().getNamespace().equals(bindingNamespace))
                .findFirst()
                .orElseThrow(() -> new AssertionError("Role " + ref.getName() + " is bound but not defined in " + target))
                .getRules();
    }

    /** Pairs of "apiGroup/resource" and space-separated verbs, as apiGroup/resource:verb. */
    private static Set<String> rights(String... pairs) {
        Set<String> rights = new TreeSet<>();
        for (int i = 0; i < pairs.length; i += 2) {
            for (String verb : pairs[i + 1].split(" ")) {
                rights.add(pairs[i] + ":" + verb);
            }
        }
        return rights;
    }
}
