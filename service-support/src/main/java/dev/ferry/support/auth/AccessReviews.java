package dev.ferry.support.auth;

import java.util.Optional;

/**
 * The two questions Ferry asks of the cluster it runs on, as Kubernetes' TokenReview and SubjectAccessReview answer
 * them. When the cluster does not answer, both throw a 503 problem: nothing is allowed without an answer.
 */
public interface AccessReviews {

    /** Who the bearer token belongs to; empty when the cluster does not authenticate it (unknown, expired, another cluster's). */
    Optional<Caller> reviewToken(String token);

    /** Whether the cluster's RBAC lets the caller do that. */
    boolean reviewAccess(Caller caller, Permission permission);
}
