package dev.ferry.support.kube;

import dev.ferry.support.api.ProblemException;
import dev.ferry.support.auth.AccessReviews;
import dev.ferry.support.auth.Caller;
import dev.ferry.support.auth.Permission;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** {@link AccessReviews} asked of the service's own cluster through the Kubernetes client (its service account). */
@ApplicationScoped
public class KubeAccessReviews implements AccessReviews {

    private final KubernetesClient client;

    public KubeAccessReviews(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Caller> reviewToken(String token) {
        TokenReviewStatus status;
        try {
            status = client.authentication().v1().tokenReviews()
                    .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).getStatus();
        } catch (KubernetesClientException e) {
            throw unavailable("TokenReview", e);
        }
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            return Optional.empty();
        }
        return Optional.of(new Caller(status.getUser().getUsername(), status.getUser().getUid(), status.getUser().getGroups()));
    }

    @Override
    public boolean reviewAccess(Caller caller, Permission permission) {
        SubjectAccessReview question = new SubjectAccessReviewBuilder().withNewSpec().withUser(caller.user()).withUid(caller.uid())
                .withGroups(caller.groups()).withNewResourceAttributes().withVerb(permission.verb()).withGroup(permission.group())
                .withResource(permission.resource()).withNamespace(permission.namespace()).endResourceAttributes().endSpec().build();
        try {
            SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(question);
            return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
        } catch (KubernetesClientException e) {
            throw unavailable("SubjectAccessReview", e);
        }
    }

    private static ProblemException unavailable(String review, KubernetesClientException e) {
        // The exception's message is not passed on: a TokenReview's request holds the token.
        return new ProblemException(503, "access-review-unavailable", "The cluster could not check the caller",
                "The cluster's API server did not answer the " + review + " (HTTP " + e.getCode() + "); nothing was done. Try again.");
    }
}
