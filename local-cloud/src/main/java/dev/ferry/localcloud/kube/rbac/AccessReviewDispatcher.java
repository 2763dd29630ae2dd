package dev.ferry.localcloud.kube.rbac;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleList;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.RoleList;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Queue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in API server's answers to TokenRequest ({@code kubectl create token}), TokenReview (from {@link ClusterIdentities}) and SubjectAccessReview (by
 * {@link RbacEvaluator} over the RBAC objects the server holds at that moment), as Kubernetes' authentication and
 * authorization APIs answer them (201 with the review and its status); every other request goes to fabric8's mock.
 * The RBAC objects are read from the mock's own store in the same thread, never over HTTP.
 */
public final class AccessReviewDispatcher extends KubernetesMixedDispatcher {

    static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
    static final String SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
    private static final Pattern SERVICE_ACCOUNT_TOKEN = Pattern.compile("/api/v1/namespaces/([^/]+)/serviceaccounts/([^/]+)/token");

    private final ClusterIdentities identities;
    private final KubernetesSerialization json = new KubernetesSerialization();

    public AccessReviewDispatcher(Map<ServerRequest, Queue<ServerResponse>> expectations, ClusterIdentities identities) {
        super(expectations);
        this.identities = identities;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath() == null ? "" : request.getPath().replaceAll("\\?.*", "");
        if ("POST".equals(request.getMethod()) && path.equals(TOKEN_REVIEWS)) {
            return created(tokenReview(json.unmarshal(request.getUtf8Body(), TokenReview.class)));
        }
        if ("POST".equals(request.getMethod()) && path.equals(SUBJECT_ACCESS_REVIEWS)) {
            return created(subjectAccessReview(json.unmarshal(request.getUtf8Body(), SubjectAccessReview.class)));
        }
        Matcher account = SERVICE_ACCOUNT_TOKEN.matcher(path);
        if ("POST".equals(request.getMethod()) && account.matches()) {
            return tokenRequest(account.group(1), account.group(2), request.getUtf8Body());
        }
        return super.dispatch(request);
    }

    /**
     * {@code kubectl create token <account>}: a token of an existing service account, valid for the seconds the
     * request asks (an hour without), as the TokenRequest API answers; 404 for an account the cluster does not hold.
     */
    private MockResponse tokenRequest(String namespace, String name, String body) {
        MockResponse account = super.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET,
                "/api/v1/namespaces/" + namespace + "/serviceaccounts/" + name, Headers.builder().build(), new Buffer()));
        if (account.code() != 200) {
            return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
                    .setBody(json.asJson(new StatusBuilder().withStatus("Failure").withReason("NotFound").withCode(404)
                            .withMessage("serviceaccounts \"" + name + "\" not found").build()));
        }
        TokenRequest ask = body == null || body.isBlank() ? new TokenRequest() : json.unmarshal(body, TokenRequest.class);
        long seconds = ask.getSpec() != null && ask.getSpec().getExpirationSeconds() != null ? ask.getSpec().getExpirationSeconds() : 3600;
        Duration ttl = Duration.ofSeconds(seconds);
        String token = identities.issueServiceAccount(namespace, name, ttl);
        ask.setStatus(new TokenRequestStatusBuilder().withToken(token)
                .withExpirationTimestamp(Instant.now().plus(ttl).truncatedTo(ChronoUnit.SECONDS).toString()).build());
        return created(ask);
    }

    private TokenReview tokenReview(TokenReview review) {
        String token = review.getSpec() == null ? null : review.getSpec().getToken();
        review.setStatus(identities.review(token)
                .map(identity -> new TokenReviewStatusBuilder().withAuthenticated(true)
                        .withUser(new UserInfoBuilder().withUsername(identity.user()).withUid(identity.uid())
                                .withGroups(identity.groups()).build())
                        .build())
                .orElseGet(() -> new TokenReviewStatusBuilder().withAuthenticated(false)
                        .withError("the token is not valid for this cluster, or has expired").build()));
        // Kubernetes never returns the token it reviewed.
        if (review.getSpec() != null) {
            review.getSpec().setToken(null);
        }
        return review;
    }

    private SubjectAccessReview subjectAccessReview(SubjectAccessReview review) {
        SubjectAccessReviewSpec spec = review.getSpec();
        RbacEvaluator.Requester who = new RbacEvaluator.Requester(spec.getUser() == null ? "" : spec.getUser(), spec.getGroups());
        RbacEvaluator.Request what;
        ResourceAttributes resource = spec.getResourceAttributes();
        NonResourceAttributes nonResource = spec.getNonResourceAttributes();
        if (resource != null) {
            what = new RbacEvaluator.Request(resource.getVerb(), resource.getGroup() == null ? "" : resource.getGroup(),
                    resource.getResource(), resource.getSubresource(), resource.getNamespace(), resource.getName(), null);
        } else if (nonResource != null) {
            what = RbacEvaluator.Request.nonResource(nonResource.getVerb(), nonResource.getPath());
        } else {
            review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(false)
                    .withEvaluationError("neither resourceAttributes nor nonResourceAttributes").build());
            return review;
        }
        RbacEvaluator.Decision decision = RbacEvaluator.decide(policy(), who, what);
        review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(decision.allowed())
                .withReason(decision.reason().isEmpty() ? null : decision.reason()).build());
        return review;
    }

    private RbacEvaluator.Policy policy() {
        return new RbacEvaluator.Policy(
                list("/apis/rbac.authorization.k8s.io/v1/roles", RoleList.class).getItems(),
                list("/apis/rbac.authorization.k8s.io/v1/clusterroles", ClusterRoleList.class).getItems(),
                list("/apis/rbac.authorization.k8s.io/v1/rolebindings", RoleBindingList.class).getItems(),
                list("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", ClusterRoleBindingList.class).getItems());
    }

    private <T> T list(String path, Class<T> type) {
        MockResponse response = super.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET, path,
                Headers.builder().build(), new Buffer()));
        return json.unmarshal(response.getBody().readUtf8(), type);
    }

    private MockResponse created(Object body) {
        return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                .setBody(json.asJson(body));
    }
}
