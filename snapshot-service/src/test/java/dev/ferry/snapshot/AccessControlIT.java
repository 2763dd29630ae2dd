package dev.ferry.snapshot;

import static dev.ferry.snapshot.SourceCluster.boundClaim;
import static dev.ferry.snapshot.SourceCluster.namespace;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;

import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.kube.KubeCluster;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may back up what, through the real REST API with tokens of the source cluster's stand-in, whose TokenReview and
 * SubjectAccessReview evaluate the RBAC objects it holds: Ferry's own ClusterRoles from deploy/, bound per namespace.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true)
class AccessControlIT {

    private static final Path PEOPLE_ROLES = Path.of("../deploy/base/access/01-clusterroles.yaml");
    /** Operator of shop, viewer of ledger, nothing in billing. */
    private static final String OLGA = "olga@example.com";

    private static String shop;
    private static String ledger;
    private static String billing;
    /** Backed up by an administrator: Olga must not see it. */
    private static String audit;

    @BeforeEach
    void installRolesAndNamespaces() {
        RestAssured.requestSpecification = null;
        if (shop != null) {
            return;
        }
        KubeCluster source = cluster();
        source.create(PEOPLE_ROLES);
        shop = namespace("shop");
        ledger = namespace("ledger");
        billing = namespace("billing");
        audit = namespace("audit");
        for (String namespace : List.of(shop, ledger, billing, audit)) {
            boundClaim(namespace, "data", Map.of("app", namespace));
        }
        source.bind(OLGA, "ferry-operator", shop);
        source.bind(OLGA, "ferry-viewer", ledger);
    }

    @Test
    void withoutAValidTokenNoBackupIsStarted() {
        given().contentType(ContentType.JSON).body(Map.of("namespace", billing)).post("/api/v1/backups").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer " + LocalCloudTestResource.cloud().drCluster().adminToken()).contentType(ContentType.JSON)
                .body(Map.of("namespace", billing)).post("/api/v1/backups").then().statusCode(401)
                .body("detail", containsString("not valid on this cluster"));
        given().get("/api/v1/policies").then().statusCode(401);
        assertThat(snapshotsIn(billing)).isZero();
    }

    @Test
    void anOperatorBacksUpItsNamespaceAsItself() {
        String backupId = as(OLGA).contentType(ContentType.JSON).body(Map.of("namespace", shop)).post("/api/v1/backups").then()
                .statusCode(202).body("requestedBy", equalTo(OLGA)).extract().path("backupId");

        as(OLGA).get("/api/v1/backups/" + backupId).then().statusCode(200).body("requestedBy", equalTo(OLGA));
        as("eve@example.com").get("/api/v1/backups/" + backupId).then().statusCode(403)
                .body("detail", containsString("get backups.ferry.dev in namespace " + shop));
    }

    @Test
    void aBackupOfANamespaceTheCallerMayOnlyReadOrNotSeeIsRefusedAndTakesNoSnapshot() {
        for (String namespace : List.of(ledger, billing)) {
            as(OLGA).contentType(ContentType.JSON).body(Map.of("namespace", namespace)).post("/api/v1/backups").then().statusCode(403)
                    .contentType("application/problem+json").body("type", equalTo("https://ferry.dev/problems/forbidden"))
                    .body("errors", equalTo(List.of("missing permission: create backups.ferry.dev in namespace " + namespace)));
            assertThat(snapshotsIn(namespace)).as("VolumeSnapshots in %s", namespace).isZero();
        }
    }

    @Test
    void listsShowOnlyTheNamespacesTheCallerMayRead() {
        String admin = LocalCloudTestResource.adminToken();
        given().header("Authorization", "Bearer " + admin).contentType(ContentType.JSON).body(Map.of("namespace", audit))
                .post("/api/v1/backups").then().statusCode(202);
        as(OLGA).contentType(ContentType.JSON).body(Map.of("namespace", shop)).post("/api/v1/backups").then().statusCode(202);

        as(OLGA).get("/api/v1/backups").then().statusCode(200).body("namespace", hasItem(shop))
                .body("namespace", everyItem(org.hamcrest.Matchers.not(equalTo(audit))));
        given().header("Authorization", "Bearer " + admin).get("/api/v1/backups").then().statusCode(200).body("namespace", hasItem(audit));
        as(OLGA).queryParam("namespace", billing).get("/api/v1/backups").then().statusCode(403)
                .body("detail", containsString("list backups.ferry.dev in namespace " + billing));
        as(OLGA).queryParam("namespace", billing).get("/api/v1/policies").then().statusCode(403)
                .body("detail", containsString("list backuppolicies.ferry.dev in namespace " + billing));
        as(OLGA).queryParam("namespace", ledger).get("/api/v1/policies").then().statusCode(200);
    }

    private static RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + cluster().identities().issueUser(user, List.of(), Duration.ofMinutes(10)));
    }

    private static int snapshotsIn(String namespace) {
        return cluster().client().genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace(namespace).list().getItems().size();
    }

    private static KubeCluster cluster() {
        return LocalCloudTestResource.cloud().sourceCluster();
    }
}
