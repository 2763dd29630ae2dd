package dev.ferry.snapshot;

import org.junit.jupiter.api.BeforeEach;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.RestAssured;
import static dev.ferry.localcloud.LocalCloudTestResource.kafka;
import static dev.ferry.snapshot.SourceCluster.boundClaim;
import static dev.ferry.snapshot.SourceCluster.client;
import static dev.ferry.snapshot.SourceCluster.namespace;
import static dev.ferry.snapshot.SourceCluster.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.RecoveryObjectives;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SnapshotTaken;
import dev.ferry.events.Topics;
import dev.ferry.events.TransferStats;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.LocalCloudTestResource;
import dev.ferry.localcloud.kafka.TopicProbe;
import dev.ferry.localcloud.kube.KubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BackupPolicies against the source cluster's Kubernetes mock (with the CRD from
 * {@code deploy/crds/}), the CSI simulator, the Azure fake and a real broker: a due policy runs once
 * and records it in its status, an invalid one gets its condition and no run, and retention deletes
 * a policy's oldest snapshots but keeps the base of a running export.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalCloudTestResource.class, restrictToAnnotatedClass = true)
class BackupPolicyIT {

    /** These tests are not about who may call: they call as the cluster's administrator (AccessControlIT is about who may). */
    @BeforeEach
    void callAsClusterAdmin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalCloudTestResource.adminToken()).build();
    }

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Several ticks of the test profile's {@code ferry.policies.tick} (1s). */
    private static final Duration QUIET = Duration.ofSeconds(4);
    private static final EventSource OTHER_SYSTEM = new EventSource("export-service", "aks-source");
    private static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("ferry.dev").withVersion("v1alpha1").withKind("BackupPolicy").withPlural("backuppolicies").withNamespaced(true)
            .build();

    @BeforeAll
    static void installTheCrd() {
        String path = System.getProperty("test.backuppolicy-crd", "../deploy/crds/backuppolicies.ferry.dev.yaml");
        try (InputStream yaml = new FileInputStream(path)) {
            CustomResourceDefinition crd = client().apiextensions().v1().customResourceDefinitions().load(yaml).item();
            if (client().apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get() == null) {
                client().apiextensions().v1().customResourceDefinitions().resource(crd).create();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the BackupPolicy CRD at " + path, e);
        }
    }

    @Test
    void aDuePolicyRunsOnceThroughTheBackupPathAndRecordsItInItsStatus() {
        String namespace = namespace("shop");
        boundClaim(namespace, "orders-db", Map.of("app", "shop", "tier", "db"));
        boundClaim(namespace, "cart-cache", Map.of("app", "shop", "tier", "cache"));
        boundClaim(namespace, "web-static", Map.of("app", "shop", "tier", "web"));
        Map<String, Object> selector = Map.of("matchLabels", Map.of("app", "shop"),
                "matchExpressions", List.of(Map.of("key", "tier", "operator", "In", "values", List.of("db", "cache"))));

        Instant slot = createDuePolicy(namespace, "nightly", Map.of("selector", selector, "keep", 3, "strategy", "vhd-full",
                "rpoTarget", "26h", "rtoTarget", "5m"));

        GenericKubernetesResource policy = awaitPolicy(namespace, "nightly", p -> p.get("status", "lastBackupId") != null);
        String backupId = policy.get("status", "lastBackupId");
        assertThat(backupId).startsWith("nightly-");
        assertThat(Instant.parse(policy.<String>get("status", "lastScheduleTime"))).isEqualTo(slot);
        assertThat(condition(policy, "Ready")).containsEntry("status", "True").containsEntry("reason", "Valid");
        assertThat(condition(policy, "Scheduled")).containsEntry("status", "True").containsEntry("reason", "BackupStarted");
        assertThat(policy.<String>get("status", "nextScheduleTime")).isNotNull();

        List<SnapshotTaken> taken = awaitTaken(backupId, 2);
        assertThat(taken).extracting(t -> t.volume().pvc().name()).containsExactlyInAnyOrder("orders-db", "cart-cache");
        assertThat(taken).allSatisfy(t -> {
            assertThat(t.volume().policy()).isEqualTo("nightly");
            // Not the default (vhd-incremental): the policy's own strategy.
            assertThat(t.volume().strategy().wireName()).isEqualTo("vhd-full");
            assertThat(t.volume().target().region()).isEqualTo(LocalCloud.DR_REGION);
            // The policy's recovery objectives travel with each volume to region B.
            assertThat(t.volume().objectives()).isEqualTo(new RecoveryObjectives(26 * 3600L, 300L));
            assertThat(t.correlationId()).isEqualTo(backupId);
        });
        given().get("/api/v1/backups/" + backupId).then().statusCode(200)
                .body("policy", org.hamcrest.Matchers.equalTo("nightly"));

        // Later ticks see the recorded fire time: no second run, no second set of snapshots.
        sleep(QUIET);
        List<TopicProbe.Received> all = kafka().read(Topics.SNAPSHOT_TAKEN,
                r -> r.text().contains("\"policy\":\"nightly\"") && r.text().contains(namespace), 3, Duration.ofSeconds(3));
        assertThat(all).hasSize(2);
        assertThat(snapshots(namespace)).hasSize(2);
        assertThat(client().genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace(namespace).list().getItems())
                .as("retention knows the policy's snapshots by its namespace and name")
                .allSatisfy(s -> assertThat(s.getMetadata().getAnnotations()).containsEntry(FerryLabels.POLICY_REF, namespace + "/nightly"));
        assertThat(getPolicy(namespace, "nightly").<String>get("status", "lastBackupId")).isEqualTo(backupId);
    }

    @Test
    void aPolicyWithAnInvalidCronOrSelectorGetsAConditionAndNoRun() {
        String namespace = namespace("erp");
        boundClaim(namespace, "stock", Map.of("app", "erp"));
        createPolicy(namespace, "typo", Map.of("schedule", "61 * * * *", "keep", 1));
        createPolicy(namespace, "odd-selector", Map.of("schedule", "* * * * *", "keep", 1, "selector",
                Map.of("matchExpressions", List.of(Map.of("key", "app", "operator", "Exists", "values", List.of("erp"))))));

        createPolicy(namespace, "manual", Map.of("schedule", "* * * * *", "keep", 1));
        GenericKubernetesResource manual = awaitPolicy(namespace, "manual", p -> condition(p, "Ready") != null);
        assertThat(condition(manual, "Ready")).containsEntry("status", "False").containsEntry("reason", "InvalidSpec");
        assertThat((String) condition(manual, "Ready").get("message")).contains("reserved for one-off backups");
        GenericKubernetesResource typo = awaitPolicy(namespace, "typo", p -> condition(p, "Ready") != null);
        assertThat(condition(typo, "Ready")).containsEntry("status", "False").containsEntry("reason", "InvalidSpec");
        assertThat((String) condition(typo, "Ready").get("message")).contains("61 * * * *");
        GenericKubernetesResource odd = awaitPolicy(namespace, "odd-selector", p -> condition(p, "Ready") != null);
        assertThat(condition(odd, "Ready")).containsEntry("status", "False").containsEntry("reason", "InvalidSpec");
        assertThat((String) condition(odd, "Ready").get("message")).contains("Exists takes no values");

        // The REST view shows what the service makes of each policy; unknown ones are problem+json.
        given().get("/api/v1/policies/" + namespace + "/typo").then().statusCode(200)
                .body("valid", org.hamcrest.Matchers.equalTo(false))
                .body("problems[0]", org.hamcrest.Matchers.containsString("not a valid cron expression"));
        given().get("/api/v1/policies?namespace=" + namespace).then().statusCode(200)
                .body("name", org.hamcrest.Matchers.containsInAnyOrder("typo", "odd-selector", "manual"));
        given().get("/api/v1/policies/" + namespace + "/no-such-policy").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("https://ferry.dev/problems/policy-not-found"));
        given().get("/api/v1/policies/Bad_NS/typo").then().statusCode(400).contentType("application/problem+json");

        // "* * * * *" would fire within a minute; an invalid policy never does.
        sleep(QUIET);
        assertThat(getPolicy(namespace, "odd-selector").<Object>get("status", "lastScheduleTime")).isNull();
        assertThat(getPolicy(namespace, "typo").<Object>get("status", "lastBackupId")).isNull();
        assertThat(getPolicy(namespace, "manual").<Object>get("status", "lastScheduleTime")).isNull();
        assertThat(snapshots(namespace)).isEmpty();
    }

    @Test
    void retentionDeletesThePolicysOldestSnapshotsButKeepsTheBaseOfTheRunningExport() {
        String namespace = namespace("crm");
        boundClaim(namespace, "contacts", Map.of("app", "crm"));
        // Three earlier runs of the policy (started over REST under its name), each exported to region B.
        List<String> earlier = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String backupId = given().contentType(ContentType.JSON).body(Map.of("namespace", namespace, "policy", "rolling"))
                    .post("/api/v1/backups").then().statusCode(202).extract().path("backupId");
            SnapshotTaken taken = awaitTaken(backupId, 1).get(0);
            send(recreated(taken), OTHER_SYSTEM);
            awaitVolumeState(backupId, "RECREATED");
            earlier.add(backupId);
        }
        assertThat(snapshots(namespace)).hasSize(3);

        createDuePolicy(namespace, "rolling", Map.of("keep", 1));
        String runId = awaitPolicy(namespace, "rolling", p -> p.get("status", "lastBackupId") != null).get("status", "lastBackupId");
        SnapshotTaken newest = awaitTaken(runId, 1).get(0);
        given().get("/api/v1/backups/" + earlier.get(2)).then().statusCode(200);
        String baseName = SnapshotNames.volumeSnapshot(earlier.get(2), newest.volume().pvc().uid());
        assertThat(newest.volume().source().previousSnapshotId()).as("the new run's export is incremental from the third").isNotNull();

        // The newest (its export still runs: no downstream event) and its base stay; the two oldest go.
        String newestName = SnapshotNames.volumeSnapshot(runId, newest.volume().pvc().uid());
        Instant deadline = Instant.now().plus(WAIT);
        List<String> names = snapshots(namespace);
        while (names.size() > 2 && Instant.now().isBefore(deadline)) {
            sleep(Duration.ofMillis(200));
            names = snapshots(namespace);
        }
        assertThat(names).containsExactlyInAnyOrder(newestName, baseName);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * Creates a policy whose schedule fired at the current minute and whose status says it last ran
     * two hours ago, so it is due at once: created suspended, given that status, then resumed. (A
     * policy that never ran is due at the first fire time after its creation, up to a minute later
     * with {@code * * * * *}; PolicyScheduleTest covers that.)
     *
     * @return the fire time the run is for
     */
    private static Instant createDuePolicy(String namespace, String name, Map<String, Object> spec) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        Map<String, Object> full = new LinkedHashMap<>(spec);
        full.put("schedule", now.getMinute() + " " + now.getHour() + " * * *");
        full.put("suspend", true);
        createPolicy(namespace, name, full);
        // Once the service has written its first status, it writes again only when something changes.
        awaitPolicy(namespace, name, p -> condition(p, "Ready") != null);
        String old = now.minusHours(2).toInstant().toString();
        policies(namespace).withName(name).editStatus(p -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> status = new HashMap<>((Map<String, Object>) p.getAdditionalProperties().get("status"));
            status.put("lastScheduleTime", old);
            p.setAdditionalProperty("status", status);
            return p;
        });
        policies(namespace).withName(name).edit(p -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> current = new LinkedHashMap<>((Map<String, Object>) p.getAdditionalProperties().get("spec"));
            current.put("suspend", false);
            p.setAdditionalProperty("spec", current);
            return p;
        });
        return now.toInstant();
    }

    private static void createPolicy(String namespace, String name, Map<String, Object> spec) {
        policies(namespace).resource(new GenericKubernetesResourceBuilder().withApiVersion("ferry.dev/v1alpha1").withKind("BackupPolicy")
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .addToAdditionalProperties("spec", spec).build()).create();
    }

    private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> policies(String namespace) {
        return client().genericKubernetesResources(POLICIES).inNamespace(namespace);
    }

    private static GenericKubernetesResource getPolicy(String namespace, String name) {
        return policies(namespace).withName(name).get();
    }

    private static GenericKubernetesResource awaitPolicy(String namespace, String name, Predicate<GenericKubernetesResource> done) {
        Instant deadline = Instant.now().plus(WAIT);
        GenericKubernetesResource last = null;
        while (Instant.now().isBefore(deadline)) {
            last = getPolicy(namespace, name);
            if (last != null && done.test(last)) {
                return last;
            }
            sleep(Duration.ofMillis(200));
        }
        throw new AssertionError("BackupPolicy " + namespace + "/" + name + " did not get there; last seen: "
                + (last == null ? null : last.getAdditionalProperties().get("status")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> condition(GenericKubernetesResource policy, String type) {
        Object conditions = policy.get("status", "conditions");
        if (!(conditions instanceof List<?> list)) {
            return null;
        }
        return list.stream().map(c -> (Map<String, Object>) c).filter(c -> type.equals(c.get("type"))).findFirst().orElse(null);
    }

    private static List<String> snapshots(String namespace) {
        return client().genericKubernetesResources(KubeCluster.VOLUME_SNAPSHOTS).inNamespace(namespace)
                .withLabel(FerryLabels.MANAGED_BY, FerryLabels.MANAGED_BY_VALUE).list().getItems().stream()
                .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
                .map(s -> s.getMetadata().getName()).toList();
    }

    private static List<SnapshotTaken> awaitTaken(String backupId, int count) {
        List<TopicProbe.Received> found = kafka().read(Topics.SNAPSHOT_TAKEN, r -> r.text().contains(backupId), count, WAIT);
        assertThat(found).as("SnapshotTaken of %s", backupId).hasSize(count);
        return found.stream().map(r -> EventJson.read(r.value(), SnapshotTaken.class)).toList();
    }

    private static void awaitVolumeState(String backupId, String state) {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            var response = given().get("/api/v1/backups/" + backupId);
            if (response.statusCode() == 200 && List.of(state).equals(response.path("volumes.state"))) {
                return;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("backup " + backupId + " did not reach " + state);
    }

    private static SnapshotRecreated recreated(SnapshotTaken taken) {
        VolumeBackup volume = taken.volume();
        Instant now = Instant.now();
        return new SnapshotRecreated(FerryEvent.SCHEMA_VERSION, taken.backupId(), taken.correlationId(), volume,
                volume.target().snapshotId(SnapshotNames.volumeSnapshot(taken.backupId(), volume.pvc().uid())), volume.source().sizeBytes(),
                "import", TransferStats.full("streaming", 4096, 4096, volume.source().sizeBytes(), 100, now.minusMillis(100), now), 1200L, now);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
