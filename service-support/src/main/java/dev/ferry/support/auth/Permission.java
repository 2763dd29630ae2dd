package dev.ferry.support.auth;

/**
 * One thing a caller may or may not do, as Kubernetes RBAC names it: a verb on a resource of an API group, in a
 * namespace or (namespace {@code null}) cluster-wide. Ferry's own resources are in {@value #FERRY_GROUP}; see
 * docs/access-control.md for which call needs which.
 */
public record Permission(String verb, String group, String resource, String namespace) {

    /** Ferry's API group, in which cluster admins grant its verbs with ordinary Roles and ClusterRoles. */
    public static final String FERRY_GROUP = "ferry.dev";

    /** A verb on one of Ferry's resources in a namespace. */
    public static Permission ferry(String verb, String resource, String namespace) {
        return new Permission(verb, FERRY_GROUP, resource, namespace);
    }

    /** A verb on one of Ferry's resources across the cluster. */
    public static Permission ferryClusterWide(String verb, String resource) {
        return new Permission(verb, FERRY_GROUP, resource, null);
    }

    /** The right to create namespaces (core API group, cluster-wide). */
    public static Permission createNamespaces() {
        return new Permission("create", "", "namespaces", null);
    }

    /** As {@code kubectl auth can-i} would ask it: {@code create restores.ferry.dev in namespace shop}. */
    public String describe() {
        String what = group.isEmpty() ? resource : resource + "." + group;
        return verb + " " + what + (namespace == null ? " (cluster-wide)" : " in namespace " + namespace);
    }
}
