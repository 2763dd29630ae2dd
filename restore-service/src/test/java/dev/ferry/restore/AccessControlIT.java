package dev.ferry.restore;

import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.kube.KubeCluster;
import dev.ferry.restore.catalog.CatalogView;
import dev.ferry.restore.catalog.RestorePoint;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may restore what, through the real REST API with tokens of the DR cluster's stand-in, whose TokenReview and
 * SubjectAccessReview evaluate the RBAC objects it holds: Ferry's own ClusterRoles from deploy/, bound as an
 * administrator would bind them. Nobody restores data they could not read, into a place they could not write.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = LocalCloudTestResource.CLUSTER_ARG, value = "dr"))
class AccessControlIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EventSource IMPORTER = new EventSource("import-service", "aks-dr");
    private static final Path PEOPLE_ROLES = Path.of("../deploy/base/access/01-clusterroles.yaml");

    /** Operator of shop (source and target), viewer of ledger's restore points, nothing in billing. */
    private static final String OLGA = "olga@example.com";
    /** Operator of bob-dr only: may write there but read no restore point of another namespace. */
    private static final String BOB = "bob@example.com";

    @Inject
    CatalogView view;

    private static boolean rbacInstalled;
    private static String shopPoint;
    private static String ledgerPoint;
    private static String billingPoint;

    @BeforeEach
    void installRolesAndRestorePoints() {
        RestAssured.requestSpecification = null;
        if (rbacInstalled) {
            return;
        }
        KubeCluster dr = dr();
        dr.create(PEOPLE_ROLES);
        for (String namespace : List.of("shop", "shop-dr", "bob-dr", "ledger", "billing")) {
            dr.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
        dr.bind(OLGA, "ferry-operator", "shop");
        dr.bind(OLGA, "ferry-operator", "shop-dr");
        dr.bind(OLGA, "ferry-viewer", "ledger");
        dr.bind(BOB, "ferry-operator", "bob-dr");
        shopPoint = restorePoint("shop", 1);
        ledgerPoint = restorePoint("ledger", 2);
        billingPoint = restorePoint("billing", 3);
        rbacInstalled = true;
    }

    @Test
    void withoutAValidTokenOfThisClusterNothingIsAnswered() {
        String expired = dr().identities().issueUser(OLGA, List.of(), Duration.ZERO);
        String otherCluster = LocalCloudTestResource.cloud().sourceCluster().adminToken();

        given().get("/api/v1/restore-points").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("type", equalTo("https://ferry.dev/problems/unauthenticated"))
                .body("detail", containsString("no bearer token"));
        for (String token : List.of("forged", expired, otherCluster)) {
            given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                    .body(Map.of("restorePointId", shopPoint, "targetNamespace", "bob-dr"))
                    .post("/api/v1/restores").then().statusCode(401).contentType("application/problem+json")
                    .body("detail", containsString("not valid on this cluster"));
        }
        given().header("Authorization", "Basic b2xnYTpzZWNyZXQ=").get("/api/v1/restore-points").then().statusCode(401);
        assertThat(claimsIn("bob-dr")).isZero();
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void anOperatorRestoresAPointItMayReadIntoANamespaceItMayWriteAsItself() {
        String restoreId = UUID.randomUUID().toString();

        // ledger's restore points are Olga's to read, shop-dr is hers to write.
        as(OLGA).contentType(ContentType.JSON).body(Map.of("restoreId", restoreId, "restorePointId", ledgerPoint, "targetNamespace", "shop-dr"))
                .post("/api/v1/restores").then().statusCode(202).body("requestedBy", equalTo(OLGA));

        await().atMost(WAIT).untilAsserted(() -> as(OLGA).get("/api/v1/restores/" + restoreId).then().statusCode(200)
                .body("state", equalTo("COMPLETED")).body("requestedBy", equalTo(OLGA)));
        as("eve@example.com").get("/api/v1/restores/" + restoreId).then().statusCode(403)
                .body("detail", containsString("get restores.ferry.dev in namespace shop-dr"));
        assertThat(dr().client().persistentVolumeClaims().inNamespace("shop-dr").withName("data").get().getStatus().getPhase())
                .isEqualTo("Bound");
    }

    @Test
    void aWriterOfTheTargetWhoCannotReadTheSourceIsRefusedAndNothingIsCreated() {
        refused(as(BOB), Map.of("restorePointId", shopPoint, "targetNamespace", "bob-dr"))
                .body("detail", equalTo("User " + BOB + " may not get restorepoints.ferry.dev in namespace shop."))
                .body("errors", equalTo(List.of("missing permission: get restorepoints.ferry.dev in namespace shop")));
        assertThat(claimsIn("bob-dr")).isZero();
    }

    @Test
    void aReaderOfTheSourceWhoCannotWriteTheTargetIsRefused() {
        refused(as(OLGA), Map.of("restorePointId", ledgerPoint, "targetNamespace", "billing"))
                .body("errors", equalTo(List.of("missing permission: create restores.ferry.dev in namespace billing")));
        refused(as(OLGA), Map.of("restorePointId", billingPoint, "targetNamespace", "shop"))
                .body("errors", equalTo(List.of("missing permission: get restorepoints.ferry.dev in namespace billing")));
        assertThat(claimsIn("billing")).isZero();
    }

    @Test
    void creatingTheNamespaceAlsoNeedsTheRightToCreateNamespaces() {
        refused(as(OLGA), Map.of("namespace", "shop", "targetNamespace", "shop-new", "createNamespace", true))
                .body("errors", hasItem("missing permission: create namespaces (cluster-wide)"))
                .body("errors", hasItem("missing permission: create restores.ferry.dev in namespace shop-new"));
        assertThat(dr().client().namespaces().withName("shop-new").get()).isNull();
    }

    @Test
    void theBodyCannotSayWhoAsked() {
        as(OLGA).contentType(ContentType.JSON).body(Map.of("restorePointId", shopPoint, "targetNamespace", "shop-dr", "requestedBy", "admin"))
                .post("/api/v1/restores").then().statusCode(400).body("detail", containsString("requestedBy"));
    }

    @Test
    void listsShowOnlyWhatTheCallerMayReadAndOneNamespaceNeedsItsRight() {
        as(OLGA).get("/api/v1/restore-points").then().statusCode(200)
                .body("namespace", hasItem("shop")).body("namespace", hasItem("ledger")).body("namespace", not(hasItem("billing")));
        as(BOB).get("/api/v1/restore-points").then().statusCode(200).body("", hasSize(0));
        as(OLGA).queryParam("namespace", "billing").get("/api/v1/restore-points").then().statusCode(403)
                .body("detail", containsString("list restorepoints.ferry.dev in namespace billing"));
        as(OLGA).get("/api/v1/restore-points/" + billingPoint).then().statusCode(403);
        as(OLGA).get("/api/v1/restore-points/" + ledgerPoint).then().statusCode(200).body("namespace", equalTo("ledger"));
    }

    @Test
    void anOperatorDrillsOnlyTheApplicationsItOperatesAndSeesOnlyTheirDrills() {
        int namespaces = dr().client().namespaces().list().getItems().size();
        String drillId = as(OLGA).contentType(ContentType.JSON).body(Map.of("namespace", "shop")).post("/api/v1/drills").then()
                .statusCode(202).body("requestedBy", equalTo(OLGA)).extract().path("drillId");
        await().atMost(WAIT).untilAsserted(() -> as(OLGA).get("/api/v1/drills/" + drillId).then().statusCode(200)
                .body("state", equalTo("passed")).body("cleanedUp", equalTo(true)));

        // A viewer of ledger may read its restore points but not drill it; Bob may do neither in shop.
        as(OLGA).contentType(ContentType.JSON).body(Map.of("namespace", "ledger")).post("/api/v1/drills").then().statusCode(403)
                .body("errors", equalTo(List.of("missing permission: create drills.ferry.dev in namespace ledger")));
        as(BOB).contentType(ContentType.JSON).body(Map.of("namespace", "shop")).post("/api/v1/drills").then().statusCode(403)
                .body("errors", equalTo(List.of("missing permission: create drills.ferry.dev in namespace shop",
                        "missing permission: get restorepoints.ferry.dev in namespace shop")));
        assertThat(dr().client().namespaces().list().getItems()).as("no scratch namespace of a refused drill").hasSize(namespaces);

        // A check runs the caller's image: it also needs the right to run Jobs in the namespace, which ferry-operator does not give.
        as(OLGA).contentType(ContentType.JSON).body(Map.of("namespace", "shop", "check", Map.of("image", "busybox:1.36")))
                .post("/api/v1/drills").then().statusCode(403)
                .body("errors", equalTo(List.of("missing permission: create jobs.batch in namespace shop")));

        as(OLGA).get("/api/v1/drills").then().statusCode(200).body("drillId", hasItem(drillId));
        as(BOB).get("/api/v1/drills").then().statusCode(200).body("", hasSize(0));
        as(BOB).get("/api/v1/drills/" + drillId).then().statusCode(403)
                .body("detail", containsString("get drills.ferry.dev in namespace shop"));
    }

    @Test
    void aServiceAccountTokenIsAuthorizedByTheBindingsOfItsAccount() {
        KubeCluster dr = dr();
        dr.client().rbac().roleBindings().inNamespace("ledger").resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                .withNewMetadata().withName("runbook-viewer").withNamespace("ledger").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("ferry-viewer").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("runbook").withNamespace("ops").endSubject().build()).create();
        String token = dr.identities().issueServiceAccount("ops", "runbook", Duration.ofMinutes(10));

        given().header("Authorization", "Bearer " + token).get("/api/v1/restore-points/" + ledgerPoint).then().statusCode(200);
        given().header("Authorization", "Bearer " + token).get("/api/v1/restore-points/" + shopPoint).then().statusCode(403)
                .body("detail", containsString("User system:serviceaccount:ops:runbook may not"));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static io.restassured.specification.RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + dr().identities().issueUser(user, List.of(), Duration.ofMinutes(10)));
    }

    private static ValidatableResponse refused(io.restassured.specification.RequestSpecification caller, Map<String, Object> body) {
        return caller.contentType(ContentType.JSON).body(body).post("/api/v1/restores").then().statusCode(403)
                .contentType("application/problem+json").body("type", equalTo("https://ferry.dev/problems/forbidden"));
    }

    private String restorePoint(String namespace, long seed) {
        String backupId = UUID.randomUUID().toString();
        RegionB.Copy copy = RegionB.snapshot(seed);
        var event = RegionB.recreated(backupId, namespace, "manual", "data", 0, 1, copy.snapshotId(), Instant.now().minusSeconds(60));
        EventEnvelope envelope = EventEnvelope.of(event, IMPORTER, Clock.systemUTC());
        kafka().send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.write(event));
        await().atMost(WAIT).until(() -> view.find(backupId).map(RestorePoint::complete).orElse(false));
        return backupId;
    }

    private static int claimsIn(String namespace) {
        return dr().client().persistentVolumeClaims().inNamespace(namespace).list().getItems().size();
    }

    private static KubeCluster dr() {
        return LocalCloudTestResource.cloud().drCluster();
    }
}
