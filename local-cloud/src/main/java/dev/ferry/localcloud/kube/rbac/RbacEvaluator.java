package dev.ferry.localcloud.kube.rbac;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
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
import java.util.Objects;

/**
 * Kubernetes' RBAC authorizer, as its documentation ("Using RBAC Authorization") states it, over the Role,
 * ClusterRole, RoleBinding and ClusterRoleBinding objects a cluster holds: a request is allowed when some binding
 * whose subjects include the requester grants a rule that matches it, and never explicitly denied.
 *
 * <ul>
 *   <li>A RoleBinding grants its role's rules in its own namespace only, a Role's or a ClusterRole's; a
 *       ClusterRoleBinding grants a ClusterRole's rules in every namespace and on cluster-scoped resources and
 *       non-resource URLs, which a RoleBinding never grants.</li>
 *   <li>Subjects: a User by name, a Group by name, a ServiceAccount by name and namespace (the binding's when left
 *       out), whose user name is {@code system:serviceaccount:<namespace>:<name>}.</li>
 *   <li>A rule matches when its verbs, API groups ({@code ""} is the core group) and resources each contain the
 *       request's or {@code *}; a subresource is named {@code resource/subresource}, and {@code *&#47;subresource}
 *       matches it in any resource; non-empty {@code resourceNames} must contain the request's name (a request
 *       without a name, such as a list or a create, matches none); {@code nonResourceURLs} match exactly, as
 *       {@code *}, or as a prefix before a trailing {@code *}.</li>
 *   <li>A ClusterRole with an {@code aggregationRule} has the rules of every ClusterRole whose labels match one of
 *       its selectors (what Kubernetes' aggregation controller writes into it).</li>
 * </ul>
 */
public final class RbacEvaluator {

    /** The RBAC objects of a cluster at the time of the request. */
    public record Policy(List<Role> roles, List<ClusterRole> clusterRoles, List<RoleBinding> roleBindings,
                         List<ClusterRoleBinding> clusterRoleBindings) {
    }

    /** Who asks: a user name and the groups an authenticator gave it. */
    public record Requester(String user, List<String> groups) {
        public Requester {
            Objects.requireNonNull(user, "user");
            groups = groups == null ? List.of() : List.copyOf(groups);
        }
    }

    /**
     * What is asked: a resource request (namespace null for a cluster-scoped resource or every namespace; group
     * {@code ""} for the core group; subresource and name may be null) or, with {@code path} set, a non-resource
     * request.
     */
    public record Request(String verb, String group, String resource, String subresource, String namespace, String name,
                          String path) {

        public static Request resource(String verb, String group, String resource, String namespace, String name) {
            return new Request(verb, group, resource, null, namespace, name, null);
        }

        public static Request nonResource(String verb, String path) {
            return new Request(verb, null, null, null, null, null, path);
        }

        boolean isResource() {
            return path == null;
        }

        String combinedResource() {
            return subresource == null || subresource.isEmpty() ? resource : resource + "/" + subresource;
        }
    }

    /** The outcome, with the binding that allowed it (Kubernetes' {@code reason}). */
    public record Decision(boolean allowed, String reason) {
    }

    private RbacEvaluator() {
    }

    public static Decision decide(Policy policy, Requester who, Request what) {
        for (ClusterRoleBinding binding : policy.clusterRoleBindings()) {
            if (appliesTo(binding.getSubjects(), null, who)) {
                if (grants(rulesOf(policy, binding.getRoleRef(), null), what, true)) {
                    return new Decision(true, "RBAC: allowed by ClusterRoleBinding \"" + binding.getMetadata().getName()
                            + "\" of ClusterRole \"" + binding.getRoleRef().getName() + "\" to " + describe(who));
                }
            }
        }
        if (what.isResource() && what.namespace() != null && !what.namespace().isEmpty()) {
            for (RoleBinding binding : policy.roleBindings()) {
                String namespace = binding.getMetadata().getNamespace();
                if (what.namespace().equals(namespace) && appliesTo(binding.getSubjects(), namespace, who)) {
                    if (grants(rulesOf(policy, binding.getRoleRef(), namespace), what, false)) {
                        return new Decision(true, "RBAC: allowed by RoleBinding \"" + binding.getMetadata().getName() + "/"
                                + namespace + "\" of " + binding.getRoleRef().getKind() + " \"" + binding.getRoleRef().getName()
                                + "\" to " + describe(who));
                    }
                }
            }
        }
        return new Decision(false, "");
    }

    private static String describe(Requester who) {
        return "User \"" + who.user() + "\"";
    }

    private static boolean appliesTo(List<Subject> subjects, String bindingNamespace, Requester who) {
        if (subjects == null) {
            return false;
        }
        for (Subject subject : subjects) {
            String kind = subject.getKind();
            if ("User".equals(kind) && who.user().equals(subject.getName())) {
                return true;
            }
            if ("Group".equals(kind) && who.groups().contains(subject.getName())) {
                return true;
            }
            if ("ServiceAccount".equals(kind)) {
                String namespace = subject.getNamespace() != null && !subject.getNamespace().isEmpty()
                        ? subject.getNamespace() : bindingNamespace;
                if (namespace != null && who.user().equals("system:serviceaccount:" + namespace + ":" + subject.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The rules a binding's role reference grants; a Role only from the binding's own namespace. */
    private static List<PolicyRule> rulesOf(Policy policy, RoleRef ref, String bindingNamespace) {
        if (ref == null) {
            return List.of();
        }
        if ("Role".equals(ref.getKind())) {
            if (bindingNamespace == null) {
                return List.of();
            }
            return policy.roles().stream()
                    .filter(role -> ref.getName().equals(role.getMetadata().getName())
                            && bindingNamespace.equals(role.getMetadata().getNamespace()))
                    .findFirst().map(role -> nonNull(role.getRules())).orElse(List.of());
        }
        if ("ClusterRole".equals(ref.getKind())) {
            return policy.clusterRoles().stream().filter(role -> ref.getName().equals(role.getMetadata().getName()))
                    .findFirst().map(role -> effectiveRules(policy, role)).orElse(List.of());
        }
        return List.of();
    }

    private static List<PolicyRule> effectiveRules(Policy policy, ClusterRole role) {
        if (role.getAggregationRule() == null || role.getAggregationRule().getClusterRoleSelectors() == null) {
            return nonNull(role.getRules());
        }
        List<PolicyRule> rules = new ArrayList<>();
        for (ClusterRole other : policy.clusterRoles()) {
            if (other == role) {
                continue;
            }
            Map<String, String> labels = other.getMetadata().getLabels() == null ? Map.of() : other.getMetadata().getLabels();
            if (role.getAggregationRule().getClusterRoleSelectors().stream().anyMatch(selector -> matches(selector, labels))) {
                rules.addAll(nonNull(other.getRules()));
            }
        }
        return rules;
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> label : selector.getMatchLabels().entrySet()) {
                if (!label.getValue().equals(labels.get(label.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                String value = labels.get(requirement.getKey());
                List<String> values = nonNull(requirement.getValues());
                boolean ok = switch (requirement.getOperator()) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> labels.containsKey(requirement.getKey());
                    case "DoesNotExist" -> !labels.containsKey(requirement.getKey());
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a rule grants the request; a RoleBinding's rules never grant non-resource URLs. */
    private static boolean grants(List<PolicyRule> rules, Request what, boolean clusterWide) {
        for (PolicyRule rule : rules) {
            if (contains(rule.getVerbs(), what.verb())
                    && (what.isResource() ? resourceMatches(rule, what) : clusterWide && urlMatches(rule, what.path()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean resourceMatches(PolicyRule rule, Request what) {
        if (!contains(rule.getApiGroups(), what.group() == null ? "" : what.group())) {
            return false;
        }
        boolean resource = false;
        for (String ruleResource : nonNull(rule.getResources())) {
            if (ruleResource.equals("*") || ruleResource.equals(what.combinedResource())
                    || (what.subresource() != null && !what.subresource().isEmpty()
                    && ruleResource.equals("*/" + what.subresource()))) {
                resource = true;
                break;
            }
        }
        if (!resource) {
            return false;
        }
        List<String> names = nonNull(rule.getResourceNames());
        return names.isEmpty() || (what.name() != null && names.contains(what.name()));
    }

    private static boolean urlMatches(PolicyRule rule, String path) {
        for (String url : nonNull(rule.getNonResourceURLs())) {
            if (url.equals("*") || url.equals(path) || (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(List<String> values, String value) {
        return values != null && (values.contains("*") || values.contains(value));
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
