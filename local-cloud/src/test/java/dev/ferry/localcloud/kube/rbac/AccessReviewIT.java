package dev.ferry.localcloud.kube.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stand-in clusters answer TokenReview and SubjectAccessReview through the Kubernetes API, as a service's
 * client calls them: tokens the cluster issued are authenticated until they expire, others never; access reviews
 * follow the RBAC objects stored in the cluster at the time of the review.
 */
class AccessReviewIT {

    private static KubeCluster dr;
    private static KubeCluster source;

    @BeforeAll
    static void start() {
        dr = KubeCluster.start(KubeCluster.Role.DR);
        source = KubeCluster.start(KubeCluster.Role.SOURCE);
    }

    @AfterAll
    static void stop() {
        if (dr != null) {
            dr.close();
        }
        if (source != null) {
            source.close();
        }
    }

    @Test
    void aTokenTheClusterIssuedIsAuthenticatedWithItsUserAndGroupsAndNotEchoed() {
        String token = dr.identities().issueUser("alice@example.com", List.of("dr-operators"), Duration.ofHours(1));

        TokenReview review = review(dr, token);

        assertThat(review.getStatus().getAuthenticated()).isTrue();
        assertThat(review.getStatus().getUser().getUsername()).isEqualTo("alice@example.com");
        assertThat(review.getStatus().getUser().getGroups()).containsExactly("dr-operators", "system:authenticated");
        assertThat(review.getSpec().getToken()).as("the token is not sent back").isNull();
    }

    @Test
    void aServiceAccountTokenNamesTheAccountAsKubernetesDoes() {
        String token = dr.identities().issueServiceAccount("ops", "runbook", Duration.ofMinutes(10));

        TokenReview review = review(dr, token);

        assertThat(review.getStatus().getUser().getUsername()).isEqualTo("system:serviceaccount:ops:runbook");
        assertThat(review.getStatus().getUser().getGroups())
                .containsExactly("system:serviceaccounts", "system:serviceaccounts:ops", "system:authenticated");
    }

    @Test
    void aTokenRequestAsKubectlCreateTokenSendsItGivesATokenOfAnExistingAccountOnly() {
        dr.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("ops")
                .endMetadata().build()).create();
        dr.client().serviceAccounts().inNamespace("ops").resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("runbook").withNamespace("ops").endMetadata().build()).create();

        var answer = dr.client().serviceAccounts().inNamespace("ops").withName("runbook").tokenRequest(
                new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L)
                        .endSpec().build());

        assertThat(answer.getStatus().getExpirationTimestamp()).isNotBlank();
        assertThat(review(dr, answer.getStatus().getToken()).getStatus().getUser().getUsername())
                .isEqualTo("system:serviceaccount:ops:runbook");
        assertThatThrownBy(() -> dr.client().serviceAccounts().inNamespace("ops").withName("nobody").tokenRequest(
                new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec().endSpec().build()))
                .isInstanceOfSatisfying(io.fabric8.kubernetes.client.KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(404));
    }

    @Test
    void aForgedAnExpiredOrAnotherClustersTokenIsNotAuthenticated() {
        String expired = dr.identities().issueUser("alice@example.com", List.of(), Duration.ZERO);
        String otherCluster = source.identities().issueUser("alice@example.com", List.of(), Duration.ofHours(1));

        for (String token : List.of("forged-token", expired, otherCluster)) {
            TokenReview review = review(dr, token);
            assertThat(review.getStatus().getAuthenticated()).as(token.equals(otherCluster) ? "another cluster's" : token).isFalse();
            assertThat(review.getStatus().getUser()).isNull();
        }
    }

    @Test
    void anAccessReviewFollowsTheRbacObjectsStoredInTheCluster() {
        SubjectAccessReview question = new SubjectAccessReviewBuilder().withNewSpec().withUser("bob").withGroups("system:authenticated")
                .withNewResourceAttributes().withGroup("ferry.dev").withResource("restores").withVerb("create")
                .withNamespace("shop-dr").endResourceAttributes().endSpec().build();
        assertThat(dr.client().authorization().v1().subjectAccessReview().create(question).getStatus().getAllowed()).isFalse();

        dr.client().rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("ferry-operator").endMetadata()
                .addNewRule().withApiGroups("ferry.dev").withResources("restores").withVerbs("create").endRule().build()).create();
        dr.client().rbac().roleBindings().inNamespace("shop-dr").resource(new RoleBindingBuilder().withNewMetadata()
                .withName("bob-operator").withNamespace("shop-dr").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("ferry-operator").endRoleRef()
                .addNewSubject().withKind("User").withName("bob").endSubject().build()).create();

        SubjectAccessReview answer = dr.client().authorization().v1().subjectAccessReview().create(question);
        assertThat(answer.getStatus().getAllowed()).isTrue();
        assertThat(answer.getStatus().getReason()).contains("bob-operator");

        SubjectAccessReview elsewhere = new SubjectAccessReviewBuilder(question).editSpec().editResourceAttributes()
                .withNamespace("billing").endResourceAttributes().endSpec().build();
        assertThat(dr.client().authorization().v1().subjectAccessReview().create(elsewhere).getStatus().getAllowed()).isFalse();
        assertThat(source.client().authorization().v1().subjectAccessReview().create(question).getStatus().getAllowed())
                .as("the source cluster has its own RBAC").isFalse();
    }

    private static TokenReview review(KubeCluster cluster, String token) {
        return cluster.client().authentication().v1().tokenReviews()
                .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
    }
}
