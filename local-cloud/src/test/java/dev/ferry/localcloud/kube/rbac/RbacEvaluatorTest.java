package dev.ferry.localcloud.kube.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.localcloud.kube.rbac.RbacEvaluator.Policy;
import dev.ferry.localcloud.kube.rbac.RbacEvaluator.Request;
import dev.ferry.localcloud.kube.rbac.RbacEvaluator.Requester;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.rbac.AggregationRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes' documented RBAC semantics ("Using RBAC Authorization"), one rule at a time. */
class RbacEvaluatorTest {

    private static final Requester ALICE = new Requester("alice", List.of("dev-team", "system:authenticated"));
    private static final String FERRY = "ferry.dev";

    private final List<Role> roles = new ArrayList<>();
    private final List<ClusterRole> clusterRoles = new ArrayList<>();
    private final List<RoleBinding> roleBindings = new ArrayList<>();
    private final List<ClusterRoleBinding> clusterRoleBindings = new ArrayList<>();

    @Test
    void nothingIsAllowedWithoutABinding() {
        role("shop", "restorer", rule(FERRY, "restores", "create"));

        assertThat(allowed(ALICE, create("restores", "shop"))).isFalse();
    }

    @Test
    void aRoleBindingGrantsItsRolesRulesInItsOwnNamespaceOnly() {
        role("shop", "restorer", rule(FERRY, "restores", "create"));
        roleBinding("shop", "alice-restores", "Role", "restorer", user("alice"));

        assertThat(allowed(ALICE, create("restores", "shop"))).isTrue();
        assertThat(allowed(ALICE, create("restores", "billing"))).isFalse();
        assertThat(allowed(ALICE, Request.resource("create", FERRY, "restores", null, null))).as("cluster-wide").isFalse();
    }

    @Test
    void aRoleBindingOfARoleOfAnotherNamespaceGrantsNothing() {
        role("billing", "restorer", rule(FERRY, "restores", "create"));
        roleBinding("shop", "alice-restores", "Role", "restorer", user("alice"));

        assertThat(allowed(ALICE, create("restores", "shop"))).isFalse();
    }

    @Test
    void aRoleBindingOfAClusterRoleGrantsItsRulesInTheBindingsNamespace() {
        clusterRole("ferry-operator", Map.of(), rule(FERRY, "restores", "create"));
        roleBinding("shop", "alice-operator", "ClusterRole", "ferry-operator", user("alice"));

        assertThat(allowed(ALICE, create("restores", "shop"))).isTrue();
        assertThat(allowed(ALICE, create("restores", "billing"))).isFalse();
    }

    @Test
    void aClusterRoleBindingGrantsEverywhereAndOnClusterScopedResources() {
        clusterRole("ns-creator", Map.of(), rule("", "namespaces", "create"), rule(FERRY, "sweeps", "*"));
        clusterRoleBinding("alice-ns", "ns-creator", user("alice"));

        assertThat(allowed(ALICE, Request.resource("create", "", "namespaces", null, null))).isTrue();
        assertThat(allowed(ALICE, create("sweeps", "any-namespace"))).isTrue();
    }

    @Test
    void subjectsMatchUsersGroupsAndServiceAccounts() {
        clusterRole("viewer", Map.of(), rule(FERRY, "restorepoints", "list"));
        roleBinding("shop", "by-group", "ClusterRole", "viewer", group("dev-team"));
        roleBinding("billing", "by-sa", "ClusterRole", "viewer",
                new SubjectBuilder().withKind("ServiceAccount").withName("runbook").build());
        Requester runbook = new Requester("system:serviceaccount:billing:runbook",
                List.of("system:serviceaccounts", "system:serviceaccounts:billing", "system:authenticated"));
        Requester otherRunbook = new Requester("system:serviceaccount:shop:runbook", List.of("system:authenticated"));

        assertThat(allowed(ALICE, list("restorepoints", "shop"))).as("alice by her group").isTrue();
        assertThat(allowed(new Requester("bob", List.of()), list("restorepoints", "shop"))).isFalse();
        assertThat(allowed(runbook, list("restorepoints", "billing")))
                .as("a service account subject without namespace is of the binding's").isTrue();
        assertThat(allowed(otherRunbook, list("restorepoints", "billing"))).isFalse();
    }

    @Test
    void verbsGroupsAndResourcesMatchExactlyOrByWildcard() {
        clusterRole("reader", Map.of(), rule(FERRY, "restores", "get", "list"));
        clusterRole("everything", Map.of(), new PolicyRuleBuilder().withApiGroups("*").withResources("*").withVerbs("*").build());
        roleBinding("shop", "alice-reads", "ClusterRole", "reader", user("alice"));
        roleBinding("admin-ns", "alice-all", "ClusterRole", "everything", user("alice"));

        assertThat(allowed(ALICE, Request.resource("get", FERRY, "restores", "shop", "r1"))).isTrue();
        assertThat(allowed(ALICE, create("restores", "shop"))).as("another verb").isFalse();
        assertThat(allowed(ALICE, Request.resource("get", "other.dev", "restores", "shop", "r1"))).as("another group").isFalse();
        assertThat(allowed(ALICE, Request.resource("get", FERRY, "backups", "shop", "b1"))).as("another resource").isFalse();
        assertThat(allowed(ALICE, Request.resource("delete", "apps", "deployments", "admin-ns", "x"))).isTrue();
    }

    @Test
    void subresourcesAreNamedWithTheirResource() {
        clusterRole("logs", Map.of(), rule("", "pods/log", "get"));
        clusterRole("any-status", Map.of(), rule(FERRY, "*/status", "get"));
        roleBinding("shop", "a", "ClusterRole", "logs", user("alice"));
        roleBinding("shop", "b", "ClusterRole", "any-status", user("alice"));

        assertThat(allowed(ALICE, new Request("get", "", "pods", "log", "shop", "p", null))).isTrue();
        assertThat(allowed(ALICE, Request.resource("get", "", "pods", "shop", "p"))).as("the pod itself").isFalse();
        assertThat(allowed(ALICE, new Request("get", FERRY, "restores", "status", "shop", "r", null))).isTrue();
    }

    @Test
    void resourceNamesLimitARuleToNamedObjectsAndNeverMatchAListOrACreate() {
        clusterRole("one-point", Map.of(), new PolicyRuleBuilder().withApiGroups(FERRY).withResources("restorepoints")
                .withResourceNames("p1").withVerbs("get", "list", "create").build());
        roleBinding("shop", "a", "ClusterRole", "one-point", user("alice"));

        assertThat(allowed(ALICE, Request.resource("get", FERRY, "restorepoints", "shop", "p1"))).isTrue();
        assertThat(allowed(ALICE, Request.resource("get", FERRY, "restorepoints", "shop", "p2"))).isFalse();
        assertThat(allowed(ALICE, list("restorepoints", "shop"))).isFalse();
        assertThat(allowed(ALICE, create("restorepoints", "shop"))).isFalse();
    }

    @Test
    void nonResourceUrlsAreGrantedByClusterRoleBindingsOnly() {
        clusterRole("health", Map.of(), new PolicyRuleBuilder().withNonResourceURLs("/healthz", "/metrics/*").withVerbs("get").build());
        roleBinding("shop", "ns-health", "ClusterRole", "health", user("alice"));

        assertThat(allowed(ALICE, Request.nonResource("get", "/healthz"))).as("through a RoleBinding").isFalse();

        clusterRoleBinding("health", "health", user("alice"));
        assertThat(allowed(ALICE, Request.nonResource("get", "/healthz"))).isTrue();
        assertThat(allowed(ALICE, Request.nonResource("get", "/metrics/ferry"))).as("prefix before *").isTrue();
        assertThat(allowed(ALICE, Request.nonResource("get", "/healthz/ready"))).isFalse();
        assertThat(allowed(ALICE, Request.nonResource("post", "/healthz"))).isFalse();
    }

    @Test
    void anAggregatedClusterRoleHasTheRulesOfTheClusterRolesItsSelectorsMatch() {
        ClusterRole edit = new ClusterRoleBuilder().withNewMetadata().withName("edit").endMetadata()
                .withAggregationRule(new AggregationRuleBuilder().withClusterRoleSelectors(new LabelSelectorBuilder()
                        .withMatchLabels(Map.of("rbac.authorization.k8s.io/aggregate-to-edit", "true")).build()).build())
                .build();
        clusterRoles.add(edit);
        clusterRole("ferry-operator", Map.of("rbac.authorization.k8s.io/aggregate-to-edit", "true"),
                rule(FERRY, "restores", "create"));
        clusterRole("not-aggregated", Map.of("other", "true"), rule(FERRY, "sweeps", "create"));
        roleBinding("shop", "alice-edit", "ClusterRole", "edit", user("alice"));

        assertThat(allowed(ALICE, create("restores", "shop"))).isTrue();
        assertThat(allowed(ALICE, create("sweeps", "shop"))).isFalse();
    }

    @Test
    void labelSelectorExpressionsMatchAsKubernetesSays() {
        var in = new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("In")
                .withValues("db", "cache").endMatchExpression().build();
        var notIn = new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("NotIn")
                .withValues("db").endMatchExpression().build();
        var exists = new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("Exists").endMatchExpression().build();
        var absent = new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("DoesNotExist")
                .endMatchExpression().build();

        assertThat(RbacEvaluator.matches(in, Map.of("tier", "db"))).isTrue();
        assertThat(RbacEvaluator.matches(in, Map.of("tier", "web"))).isFalse();
        assertThat(RbacEvaluator.matches(notIn, Map.of())).isTrue();
        assertThat(RbacEvaluator.matches(notIn, Map.of("tier", "db"))).isFalse();
        assertThat(RbacEvaluator.matches(exists, Map.of("tier", ""))).isTrue();
        assertThat(RbacEvaluator.matches(absent, Map.of("tier", "db"))).isFalse();
    }

    @Test
    void aBindingToAMissingRoleGrantsNothing() {
        roleBinding("shop", "dangling", "ClusterRole", "deleted-role", user("alice"));

        assertThat(allowed(ALICE, create("restores", "shop"))).isFalse();
    }

    @Test
    void theReasonNamesTheBindingThatAllowed() {
        clusterRole("ferry-operator", Map.of(), rule(FERRY, "restores", "create"));
        roleBinding("shop", "alice-operator", "ClusterRole", "ferry-operator", user("alice"));

        assertThat(RbacEvaluator.decide(policy(), ALICE, create("restores", "shop")).reason())
                .contains("RoleBinding \"alice-operator/shop\"").contains("ClusterRole \"ferry-operator\"");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private boolean allowed(Requester who, Request what) {
        return RbacEvaluator.decide(policy(), who, what).allowed();
    }

    private Policy policy() {
        return new Policy(roles, clusterRoles, roleBindings, clusterRoleBindings);
    }

    private static Request create(String resource, String namespace) {
        return Request.resource("create", FERRY, resource, namespace, null);
    }

    private static Request list(String resource, String namespace) {
        return Request.resource("list", FERRY, resource, namespace, null);
    }

    private static PolicyRule rule(String group, String resource, String... verbs) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(resource).withVerbs(verbs).build();
    }

    private static Subject user(String name) {
        return new SubjectBuilder().withKind("User").withName(name).build();
    }

    private static Subject group(String name) {
        return new SubjectBuilder().withKind("Group").withName(name).build();
    }

    private void role(String namespace, String name, PolicyRule... rules) {
        roles.add(new RoleBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withRules(rules).build());
    }

    private void clusterRole(String name, Map<String, String> labels, PolicyRule... rules) {
        clusterRoles.add(new ClusterRoleBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withRules(rules).build());
    }

    private void roleBinding(String namespace, String name, String kind, String role, Subject subject) {
        roleBindings.add(new RoleBindingBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind(kind).withName(role).endRoleRef()
                .withSubjects(subject).build());
    }

    private void clusterRoleBinding(String name, String role, Subject subject) {
        clusterRoleBindings.add(new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(role).endRoleRef()
                .withSubjects(subject).build());
    }
}
