package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.localcloud.kube.rbac.RbacEvaluator;
import dev.ferry.localcloud.kube.rbac.RbacEvaluator.Request;
import dev.ferry.localcloud.kube.rbac.RbacEvaluator.Requester;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.rbac.AggregationRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may do what with Ferry's ClusterRoles for people (deploy/base/access), as the DR cluster's RBAC would decide it
 * (the local cloud's evaluator of Kubernetes' documented RBAC semantics), with Kubernetes' built-in view, edit and admin
 * roles aggregating them as a cluster does.
 */
class AccessRolesTest {

    private static final String FERRY = "ferry.dev";
    private static final Requester ALICE = new Requester("alice", List.of("system:authenticated"));
    private static final List<String> VERBS = List.of("get", "list", "watch", "create", "update", "patch", "delete");

    private final List<RoleBinding> roleBindings = new ArrayList<>();
    private final List<ClusterRoleBinding> clusterRoleBindings = new ArrayList<>();

    @ParameterizedTest
    @ValueSource(strings = {"ferry-viewer", "ferry-operator", "ferry-admin", "view", "edit", "admin"})
    void whoeverMayUseRestoresOfANamespaceMayUseDrillsOfItTheSameWay(String role) {
        bindIn("shop", role);

        for (String verb : VERBS) {
            assertThat(allowed(verb, "drills", "shop")).as("%s in shop: %s drills as %s restores", role, verb, verb)
                    .isEqualTo(allowed(verb, "restores", "shop"));
            assertThat(allowed(verb, "drills", "billing")).as("%s in shop: %s drills in billing", role, verb).isFalse();
        }
    }

    @Test
    void aNamespacesEditorMayDrillItsApplicationAndReadItsDrillsButNotScheduleDrills() {
        bindIn("shop", "edit");

        // POST /api/v1/drills asks for create drills and get restorepoints in the application's namespace.
        assertThat(allowed("create", "drills", "shop")).isTrue();
        assertThat(allowed("get", "restorepoints", "shop")).isTrue();
        assertThat(allowed("list", "drills", "shop")).isTrue();
        assertThat(allowed("create", "drillschedules", null)).isFalse();
        assertThat(allowed("list", "drillschedules", null)).isFalse();
    }

    @Test
    void aViewerReadsDrillsButStartsNone() {
        bindIn("shop", "view");

        assertThat(allowed("get", "drills", "shop")).isTrue();
        assertThat(allowed("list", "drills", "shop")).isTrue();
        assertThat(allowed("create", "drills", "shop")).isFalse();
    }

    @Test
    void drillSchedulesAreManagedOnlyByFerryAdminBoundClusterWide() {
        bindIn("shop", "ferry-admin");
        assertThat(VERBS).as("ferry-admin bound in a namespace: DrillSchedules are cluster-scoped")
                .noneMatch(verb -> allowed(verb, "drillschedules", null));

        clusterRoleBindings.add(new ClusterRoleBindingBuilder().withNewMetadata().withName("alice-ferry-admin").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("ferry-admin")
                .endRoleRef().addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName("alice")
                .endSubject().build());
        assertThat(VERBS).as("ferry-admin bound cluster-wide").allMatch(verb -> allowed(verb, "drillschedules", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ferry-viewer", "ferry-operator", "view", "edit", "admin"})
    void noRoleButFerryAdminNamesDrillSchedules(String role) {
        ClusterRole clusterRole = clusterRoles().stream().filter(r -> r.getMetadata().getName().equals(role)).findFirst().orElseThrow();
        List<ClusterRole> aggregated = clusterRole.getAggregationRule() == null ? List.of(clusterRole) : clusterRoles().stream()
                .filter(r -> r.getMetadata().getLabels() != null
                        && "true".equals(r.getMetadata().getLabels().get("rbac.authorization.k8s.io/aggregate-to-" + role)))
                .toList();
        assertThat(aggregated).flatExtracting(ClusterRole::getRules).allSatisfy(rule ->
                assertThat(rule.getResources()).as("%s", role).doesNotContain("drillschedules", "*"));
    }

    private boolean allowed(String verb, String resource, String namespace) {
        RbacEvaluator.Policy policy = new RbacEvaluator.Policy(List.of(), clusterRoles(), roleBindings, clusterRoleBindings);
        return RbacEvaluator.decide(policy, ALICE, Request.resource(verb, FERRY, resource, namespace, null)).allowed();
    }

    private void bindIn(String namespace, String clusterRole) {
        roleBindings.add(new RoleBindingBuilder().withNewMetadata().withName("alice-" + clusterRole).withNamespace(namespace)
                .endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName(clusterRole).endRoleRef().addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User")
                .withName("alice").endSubject().build());
    }

    /** Ferry's roles for people as the DR overlay installs them, and Kubernetes' aggregating view, edit and admin. */
    private static List<ClusterRole> clusterRoles() {
        List<ClusterRole> roles = new ArrayList<>(Targets.objects(Targets.DR_CLUSTER, ClusterRole.class));
        for (String builtIn : List.of("view", "edit", "admin")) {
            roles.add(new ClusterRoleBuilder().withNewMetadata().withName(builtIn).endMetadata()
                    .withAggregationRule(new AggregationRuleBuilder().withClusterRoleSelectors(new LabelSelectorBuilder()
                            .addToMatchLabels("rbac.authorization.k8s.io/aggregate-to-" + builtIn, "true").build()).build())
                    .build());
        }
        return roles;
    }
}
