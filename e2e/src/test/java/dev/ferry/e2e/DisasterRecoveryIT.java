package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.events.DrillCheckOutcome;
import dev.ferry.events.DrillCompleted;
import dev.ferry.events.DrillOutcome;
import dev.ferry.events.DrillStep;
import dev.ferry.events.DrillTrigger;
import dev.ferry.events.Topics;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.LocalCloud;
import dev.ferry.localcloud.azure.Faults;
import dev.ferry.localcloud.kafka.TopicProbe;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The end-to-end suite: the four services as processes from their packaged apps, a Kafka broker as
 * its own process, and the local cloud, driven only through the services' REST APIs, as the local
 * DR run drives them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DisasterRecoveryIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final long MIB = 1 << 20;
    private static final Pattern ACCOUNT_KEY = Pattern.compile("AccountKey=([^;]+)");
    /** A SAS signature in clear: the Azure SDK writes {@code sig=REDACTED}. */
    private static final Pattern SAS_SIGNATURE = Pattern.compile("[?&]sig=(?!REDACTED)[^&\\s\"]+");

    private static FerryStack stack;
    private static DrScenario scenario;

    @BeforeAll
    static void start() throws Exception {
        Layout layout = Layout.find();
        Path run = Files.createDirectories(layout.root().resolve("e2e/target/e2e-run"));
        // The README's kcat recipe restores by event into webshop-dr: a namespace opened to restores by event. The
        // DrillSchedules are read every second (30s in production), so that a new schedule's first drill starts at once.
        stack = FerryStack.start(layout, run, null, new FerryStack.Options(1, Map.of("restore-service",
                Map.of("ferry.restore.event-target-namespaces", "webshop-dr", "ferry.drills.schedule-every", "1s"))),
                DisasterRecoveryIT::say);
        scenario = new DrScenario(stack, DisasterRecoveryIT::say, TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * Also a drill while region A still runs: it passes with its check, leaves nothing labelled with it on the DR cluster
     * and every region-B snapshot of the restore point in place, so the real restore afterwards, of the same restore
     * point, is still byte-exact.
     */
    @Test
    void anApplicationBackedUpToRegionBIsRestoredExactlyOnTheDrClusterAfterTheSourceIsGone() throws Exception {
        DemoApp app = DemoApp.create(stack.cloud(), "shop", DemoApp.defaultVolumes());
        app.write(stack.cloud().azure().compute(), 48 * MIB);

        DrScenario.Backup backup = scenario.backup(app);
        DrScenario.Drill drill = scenario.drill("shop", CHECK, CheckJobFinisher.Outcome.SUCCEEDED);
        // Region A is gone: the application, its disks and every snapshot of them in the source region.
        app.delete(stack.cloud());
        var compute = stack.cloud().azure().compute();
        compute.snapshots(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP)
                .forEach(snapshot -> compute.deleteSnapshot(snapshot.key()));
        DrScenario.Restore restore = scenario.restore(backup.backupId(), null, null);
        List<String> problems = scenario.verify("shop", backup.contents());
        new RunReport(List.of(backup), restore, problems, drill, backup.wallTime().plus(restore.restoreTime()), stack.logs())
                .print(System.out);

        assertThat(drill.restorePointId()).as("the drill's restore point is the one restored").isEqualTo(backup.backupId());
        assertThat(drill.state()).isEqualTo("passed");
        assertThat(drill.checkOutcome()).isEqualTo("succeeded");
        assertThat(drill.volumes()).isEqualTo(2);
        assertThat(drill.rto()).isPositive().isLessThan(Duration.ofSeconds(30));
        assertThat(drill.objectsDuringCheck()).as("what the drill made").containsExactlyInAnyOrderEntriesOf(Map.of("Namespace", 1,
                "PersistentVolumeClaim", 2, "VolumeSnapshot", 2, "VolumeSnapshotContent", 2, "Job", 1));
        assertThat(drill.cleanedUp()).isTrue();
        assertThat(drill.objectsAfter().values()).as("what is left of it: %s", drill.objectsAfter()).containsOnly(0);
        assertThat(drill.regionBSnapshots()).hasSize(2);
        assertThat(drill.regionBSnapshotsGone()).as("region-B snapshots the drill removed").isEmpty();
        assertTheCheckJobMountsEveryRestoredPvcReadOnly(drill.checkJob(), List.of("orders-db", "orders-files"));
        DrillCompleted event = drillCompleted(drill.drillId());
        assertThat(event.outcome()).isEqualTo(DrillOutcome.PASSED);
        assertThat(event.trigger()).isEqualTo(DrillTrigger.ON_DEMAND);
        assertThat(event.rtoMillis()).isEqualTo(drill.rto().toMillis());
        assertThat(event.check().outcome()).isEqualTo(DrillCheckOutcome.SUCCEEDED);
        assertThat(event.cleanedUp()).isTrue();

        assertThat(problems).isEmpty();
        assertThat(restore.pvcs()).containsExactly("orders-db Bound", "orders-files Bound");
        assertThat(backup.volumes()).hasSize(2).allSatisfy(v -> {
            // Only written data crosses regions: at most the written bytes rounded out to 4 MiB cells.
            assertThat(v.bytesMoved()).isGreaterThanOrEqualTo(v.bytesWritten()).isLessThan(v.bytesTotal() / 4);
            assertThat(v.bytesTotal()).isGreaterThanOrEqualTo(1L << 30);
        });
        assertThat(restore.restoreTime()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void theSecondOfTwoBackupsInARowRestoresTheChangedData() {
        DemoApp app = DemoApp.create(stack.cloud(), "ledger", List.of(new DemoApp.Volume("journal", 1, 1)));
        app.write(stack.cloud().azure().compute(), 16 * MIB);
        DrScenario.Backup first = scenario.backup(app);
        app.change(stack.cloud().azure().compute(), 0.25);
        app.write(stack.cloud().azure().compute(), 4 * MIB);
        DrScenario.Backup second = scenario.backup(app);
        assertThat(second.contents()).isNotEqualTo(first.contents());
        // vhd-incremental, the default: the first backup copies all written data, the second only the change.
        assertThat(first.volumes()).singleElement().satisfies(v -> {
            assertThat(v.mode()).isEqualTo("full");
            assertThat(v.fullCopyReason()).isEqualTo("no-previous-snapshot");
        });
        assertThat(second.volumes()).singleElement().satisfies(v -> {
            assertThat(v.mode()).isEqualTo("diff");
            assertThat(v.bytesMoved()).isPositive().isLessThanOrEqualTo(v.bytesChanged())
                    .isLessThan(first.volumes().get(0).bytesMoved());
        });

        JsonNode points = stack.restoreService().get("/api/v1/restore-points?namespace=ledger").body();
        List<String> ids = new ArrayList<>();
        points.forEach(p -> ids.add(p.path("id").asText()));
        assertThat(ids).containsExactly(second.backupId(), first.backupId());

        scenario.restore(second.backupId(), "ledger-latest", null);
        assertThat(scenario.verify("ledger-latest", second.contents())).isEmpty();
        scenario.restore(first.backupId(), "ledger-previous", null);
        assertThat(scenario.verify("ledger-previous", first.contents())).isEmpty();
        assertThat(scenario.verify("ledger-previous", second.contents())).as("the older restore point holds the older data").isNotEmpty();
    }

    @Test
    void aRestoreIntoAnotherNamespaceMapsTheStorageClass() {
        DemoApp app = DemoApp.create(stack.cloud(), "billing", List.of(new DemoApp.Volume("invoices", 1, 1)));
        app.write(stack.cloud().azure().compute(), 8 * MIB);
        DrScenario.Backup backup = scenario.backup(app);
        stack.cloud().drCluster().client().storage().v1().storageClasses().resource(new StorageClassBuilder()
                .withNewMetadata().withName("managed-csi-zrs").endMetadata().withProvisioner("disk.csi.azure.com")
                .withVolumeBindingMode("Immediate").addToParameters("skuName", "StandardSSD_ZRS").build()).create();

        scenario.restore(backup.backupId(), "billing-drill", Map.of(LocalCloud.STORAGE_CLASS, "managed-csi-zrs"));

        assertThat(scenario.verify("billing-drill", backup.contents())).isEmpty();
        assertThat(stack.cloud().drCluster().client().persistentVolumeClaims().inNamespace("billing-drill").withName("invoices").get()
                .getSpec().getStorageClassName()).isEqualTo("managed-csi-zrs");
        // The source namespace's name stays free on the DR cluster.
        assertThat(stack.cloud().drCluster().client().namespaces().withName("billing").get()).isNull();
    }

    @Test
    void aBackupWhoseExportIsThrottledByAzureStillCompletes() {
        DemoApp app = DemoApp.create(stack.cloud(), "throttled", List.of(new DemoApp.Volume("data", 1, 1)));
        app.write(stack.cloud().azure().compute(), 12 * MIB);
        Faults faults = stack.cloud().azure().faults();
        int grantsBefore = faults.served(Faults.Kind.GRANT_ACCESS);
        int pagesBefore = faults.served(Faults.Kind.PUT_PAGE_FROM_URL);
        faults.inject(Faults.Kind.GRANT_ACCESS, Faults.Fault.throttle(Duration.ofSeconds(1)), 2);
        faults.inject(Faults.Kind.PUT_PAGE_FROM_URL, Faults.Fault.serverBusy(Duration.ofSeconds(1)), 3);

        DrScenario.Backup backup = scenario.backup(app);

        assertThat(faults.served(Faults.Kind.GRANT_ACCESS) - grantsBefore).isEqualTo(2);
        assertThat(faults.served(Faults.Kind.PUT_PAGE_FROM_URL) - pagesBefore).isEqualTo(3);
        scenario.restore(backup.backupId(), "throttled-restored", null);
        assertThat(scenario.verify("throttled-restored", backup.contents())).isEmpty();
    }

    /**
     * A drill whose check Job fails (the test plays the Job controller: {@code failed: 1}, a {@code Failed} condition) is
     * reported failed in step check, and still removes everything it made; the region-B snapshots stay.
     */
    @Test
    void aDrillWhoseCheckFailsIsReportedFailedInStepCheckAndStillCleansUp() throws Exception {
        drilledApplication();

        DrScenario.Drill drill = scenario.drill(DRILLED, CHECK, CheckJobFinisher.Outcome.FAILED);

        assertThat(drill.state()).isEqualTo("failed");
        assertThat(drill.failedStep()).isEqualTo("check");
        assertThat(drill.errorCode()).isEqualTo("CheckFailed");
        assertThat(drill.checkOutcome()).isEqualTo("failed");
        assertThat(drill.rto()).as("the restore itself worked").isNotNull();
        assertThat(drill.cleanedUp()).isTrue();
        assertThat(drill.objectsAfter().values()).as("what is left of it: %s", drill.objectsAfter()).containsOnly(0);
        assertThat(drill.regionBSnapshotsGone()).isEmpty();
        DrillCompleted event = drillCompleted(drill.drillId());
        assertThat(event.outcome()).isEqualTo(DrillOutcome.FAILED);
        assertThat(event.failedStep()).isEqualTo(DrillStep.CHECK);
        assertThat(event.check().outcome()).isEqualTo(DrillCheckOutcome.FAILED);
        assertThat(event.cleanedUp()).isTrue();
    }

    /**
     * A DrillSchedule on the DR cluster (its CRD installed there as deploy's DR overlay installs it) drills the application
     * as soon as restore-service reads it, and {@code GET /api/v1/drill-schedules} shows that drill as its last and the
     * next one due an interval after it started.
     */
    @Test
    void aDrillScheduleDrillsTheApplicationAndShowsItsLastAndNextDrill() throws Exception {
        drilledApplication();
        KubernetesClient dr = stack.cloud().drCluster().client();
        String application = FerryStack.SOURCE_CLUSTER + "/" + DRILLED;
        Set<String> before = new HashSet<>();
        dr.namespaces().withLabel(DrillObjects.DRILL_ID).list().getItems().forEach(n -> before.add(n.getMetadata().getName()));
        GenericKubernetesResource schedule = new GenericKubernetesResourceBuilder().withApiVersion("ferry.dev/v1alpha1")
                .withKind("DrillSchedule").withNewMetadata().withName(DRILLED + "-daily").endMetadata()
                .addToAdditionalProperties("spec", Map.of("sourceCluster", FerryStack.SOURCE_CLUSTER, "namespace", DRILLED,
                        "every", "24h", "check", Map.of("image", CHECK.image(), "command", CHECK.command(), "timeout", CHECK.timeout())))
                .build();
        dr.genericKubernetesResources(DRILL_SCHEDULES).resource(schedule).create();

        java.util.function.Predicate<Namespace> drillsIt = n -> !before.contains(n.getMetadata().getName())
                && n.getMetadata().getAnnotations() != null
                && application.equals(n.getMetadata().getAnnotations().get(DrillObjects.APPLICATION_ANNOTATION));
        Namespace scratch = dr.namespaces().withLabel(DrillObjects.DRILL_ID)
                .informOnCondition(namespaces -> namespaces.stream().anyMatch(drillsIt)).get(60, TimeUnit.SECONDS)
                .stream().filter(drillsIt).findFirst().orElseThrow();
        String drillId = scratch.getMetadata().getLabels().get(DrillObjects.DRILL_ID);
        CheckJobFinisher.await(dr, scratch.getMetadata().getName(), TIMEOUT);
        CheckJobFinisher.finish(dr, scratch.getMetadata().getName(), CheckJobFinisher.Outcome.SUCCEEDED);
        JsonNode drill = scenario.awaitState(() -> stack.restoreService().get("/api/v1/drills/" + drillId).body(),
                view -> !view.path("state").asText().equals("running"), "scheduled drill " + drillId + " to finish");

        assertThat(drill.path("state").asText()).as("%s", drill).isEqualTo("passed");
        assertThat(drill.path("trigger").asText()).isEqualTo("scheduled");
        assertThat(drill.path("schedule").asText()).isEqualTo(DRILLED + "-daily");
        assertThat(drill.path("requestedBy").asText()).isEqualTo("schedule");
        assertThat(drill.path("check").path("outcome").asText()).isEqualTo("succeeded");
        assertThat(drill.path("cleanedUp").asBoolean()).isTrue();
        assertThat(DrillObjects.count(dr, drillId).values()).containsOnly(0);
        JsonNode schedules = stack.restoreService().get("/api/v1/drill-schedules").body();
        JsonNode shown = null;
        for (JsonNode s : schedules) {
            shown = s.path("name").asText().equals(DRILLED + "-daily") ? s : shown;
        }
        assertThat(shown).as("%s in GET /api/v1/drill-schedules: %s", DRILLED + "-daily", schedules).isNotNull();
        assertThat(shown.path("valid").asBoolean()).as("%s", shown).isTrue();
        assertThat(shown.path("every").asText()).isEqualTo("24h");
        assertThat(shown.path("lastDrillId").asText()).isEqualTo(drillId);
        assertThat(shown.path("lastOutcome").asText()).isEqualTo("passed");
        Instant last = Instant.parse(shown.path("lastDrillAt").asText());
        assertThat(last).isEqualTo(Instant.parse(drill.path("startedAt").asText()));
        assertThat(Instant.parse(shown.path("nextDrillAt").asText())).isEqualTo(last.plus(Duration.ofHours(24)));
        assertThat(drillCompleted(drillId).trigger()).isEqualTo(DrillTrigger.SCHEDULED);
    }

    /**
     * What common-events' README tells another system to send, sent as it stands there (kcat's records, through a
     * plain producer: bytes and string headers, nothing of Ferry's): a backup, then a restore of the namespace's
     * newest restore point, whose {@code ferry.restore.completed} comes keyed by the restore id.
     */
    @Test
    void theReadmesKcatRecipeBacksUpAndRestoresANamespace() throws Exception {
        Path readme = Layout.find().root().resolve("common-events/README.md");
        KafkaRecipe backup = KafkaRecipe.read(readme, "backup");
        KafkaRecipe restore = KafkaRecipe.read(readme, "restore");
        DemoApp app = DemoApp.create(stack.cloud(), "webshop", List.of(new DemoApp.Volume("catalog", 1, 1)));
        app.write(stack.cloud().azure().compute(), 4 * MIB);
        DemoApp.Contents contents = app.contents();

        send(backup);
        scenario.awaitRestorePoint(new ObjectMapper().readTree(backup.value()).path("backupId").asText());
        send(restore);

        List<TopicProbe.Received> completed = stack.kafka().read(Topics.RESTORE_COMPLETED,
                r -> restore.key().equals(r.key()), 1, TIMEOUT);
        assertThat(completed).hasSize(1);
        JsonNode outcome = new ObjectMapper().readTree(completed.get(0).value());
        assertThat(outcome.path("targetNamespace").asText()).isEqualTo("webshop-dr");
        assertThat(outcome.path("volumes")).singleElement().satisfies(v -> assertThat(v.path("phase").asText()).isEqualTo("Bound"));
        assertThat(scenario.verify("webshop-dr", contents)).isEmpty();
    }

    @Test
    void healthAndMetricsAreServedOnTheManagementPortOnlyAndTheApiWantsAToken() {
        for (String service : stack.serviceNames()) {
            Api api = stack.api(service);
            assertThat(api.get("/q/health/ready").status()).as("%s readiness on the management port", service).isEqualTo(200);
            assertThat(api.text("/q/metrics")).as("%s metrics on the management port", service).contains("jvm_memory_used_bytes");
            assertThat(api.statusOnApiPort("/q/metrics")).as("%s metrics on the API port", service).isEqualTo(404);
        }
        assertThat(stack.restoreService().statusOnApiPort("/api/v1/restore-points")).as("the API without a token").isEqualTo(401);
        assertThat(stack.snapshotService().statusOnApiPort("/api/v1/backups")).as("the API without a token").isEqualTo(401);
    }

    @Test
    void everyEndpointIsDescribedWithItsProblemsInTheOpenApiDocument() {
        Map<String, List<String>> expected = Map.of(
                "snapshot-service", List.of("GET /api/v1/backups", "POST /api/v1/backups", "GET /api/v1/backups/{backupId}",
                        "GET /api/v1/policies", "GET /api/v1/policies/{namespace}/{name}"),
                "import-service", List.of("POST /api/v1/sweeps"),
                "restore-service", List.of("GET /api/v1/restore-points", "GET /api/v1/restore-points/{id}", "GET /api/v1/restores",
                        "POST /api/v1/restores", "GET /api/v1/restores/{id}", "GET /api/v1/transfers", "GET /api/v1/failures",
                        "GET /api/v1/drills", "POST /api/v1/drills", "GET /api/v1/drills/{id}", "GET /api/v1/drill-schedules"),
                "export-service", List.of());
        Map<String, List<String>> specific = Map.of(
                "POST /api/v1/backups", List.of("202", "409", "422", "429"),
                "GET /api/v1/backups/{backupId}", List.of("200", "404"),
                "GET /api/v1/policies/{namespace}/{name}", List.of("200", "404"),
                "POST /api/v1/restores", List.of("200", "202", "404", "409", "422"),
                "GET /api/v1/restores/{id}", List.of("200", "404"),
                "GET /api/v1/restore-points/{id}", List.of("200", "404"),
                "POST /api/v1/drills", List.of("202", "404", "409", "422"),
                "GET /api/v1/drills/{id}", List.of("200", "404"));
        for (String service : stack.serviceNames()) {
            String name = service.startsWith("export-service") ? "export-service" : service;
            JsonNode document = stack.api(service).get("/q/openapi?format=json").body();
            assertThat(document.path("components").path("schemas").has("Problem")).as("%s: the Problem schema", service).isTrue();
            List<String> operations = new ArrayList<>();
            document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                String operation = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                operations.add(operation);
                JsonNode responses = op.getValue().path("responses");
                List<String> codes = new ArrayList<>();
                responses.fieldNames().forEachRemaining(codes::add);
                assertThat(codes).as("%s %s: its answers", service, operation).anyMatch(code -> code.startsWith("2"))
                        .contains("400", "401", "403", "500", "503").containsAll(specific.getOrDefault(operation, List.of()));
                codes.stream().filter(code -> !code.startsWith("2")).forEach(code -> assertThat(
                        responses.path(code).path("content").path("application/problem+json").path("schema").path("$ref").asText())
                        .as("%s %s %s: a problem+json body", service, operation, code).isEqualTo("#/components/schemas/Problem"));
            }));
            assertThat(operations).as("%s: every endpoint described", service).containsExactlyInAnyOrderElementsOf(expected.get(name));
        }
    }

    @Test
    void aBodyOfTheWrongShapeIsABadRequestWithAProblem() {
        List<Map.Entry<Api, String>> posts = List.of(Map.entry(stack.snapshotService(), "/api/v1/backups"),
                Map.entry(stack.restoreService(), "/api/v1/restores"), Map.entry(stack.restoreService(), "/api/v1/drills"),
                Map.entry(stack.api("import-service"), "/api/v1/sweeps"));
        posts.forEach(post -> {
            Api api = post.getKey();
            String path = post.getValue();
            for (Object body : List.of(List.of("an", "array"), "a string", 42)) {
                Api.Answer answer = api.post(path, body);
                assertThat(answer.status()).as("POST %s with %s", path, body).isEqualTo(400);
                assertThat(answer.body().path("status").asInt()).as("POST %s with %s: a problem", path, body).isEqualTo(400);
                assertThat(answer.body().path("detail").asText()).as("POST %s with %s: says why", path, body).isNotBlank();
            }
        });
        Api.Answer unknown = stack.restoreService().get("/api/v1/no-such-thing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("status").asInt()).as("an unknown path: a problem").isEqualTo(404);
    }

    /**
     * deploy/monitoring's alerts and Grafana dashboard ask only for what the services serve: every metric they name, with
     * every label they group by, select on or print, is in some service's {@code /q/metrics} after the run's backups,
     * restores and drills (and one dead letter, made here). Runs after the other tests, which made those.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void everyMetricTheAlertsAndTheDashboardUseIsServedWithItsLabels() throws Exception {
        stack.kafka().send(Topics.SNAPSHOT_TAKEN, "not-an-event", Map.of(), "{".getBytes(StandardCharsets.UTF_8));
        ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        Path monitoring = Layout.find().root().resolve("deploy/monitoring");
        Map<String, java.util.Set<String>> used = new java.util.TreeMap<>();
        for (JsonNode group : yaml.readTree(monitoring.resolve("02-prometheusrule.yaml").toFile()).path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                Matcher printed = Pattern.compile("\\$labels\\.([a-z_]+)").matcher(rule.path("annotations").toString());
                List<String> labels = new ArrayList<>();
                while (printed.find()) {
                    labels.add(printed.group(1));
                }
                use(used, rule.path("expr").asText(), labels);
            }
        }
        JsonNode dashboard = new ObjectMapper().readTree(yaml.readTree(monitoring.resolve("03-grafana-dashboard.yaml").toFile())
                .path("data").path("ferry.json").asText());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher printed = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}").matcher(target.path("legendFormat").asText());
                List<String> labels = new ArrayList<>();
                while (printed.find()) {
                    labels.add(printed.group(1));
                }
                use(used, target.path("expr").asText(), labels);
            }
        }
        assertThat(used).as("metrics named by deploy/monitoring").containsKeys("ferry_restore_point_age_seconds",
                "ferry_restore_point_rpo_target_seconds", "ferry_step_failures_total", "ferry_drill_last_outcome",
                "ferry_drill_last_rto_seconds", "ferry_drill_last_success_timestamp_seconds", "ferry_drill_interval_seconds",
                "ferry_drills_total", "ferry_drill_leftover_objects");

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> missing;
        do {
            StringBuilder served = new StringBuilder();
            stack.serviceNames().forEach(service -> served.append(stack.api(service).text("/q/metrics")).append('\n'));
            List<String> lines = served.toString().lines().filter(line -> !line.startsWith("#")).toList();
            missing = new ArrayList<>();
            for (Map.Entry<String, java.util.Set<String>> metric : used.entrySet()) {
                // Served only while a transfer runs; DashboardIT reads it from /q/metrics during one.
                if (metric.getKey().equals("ferry_export_bytes_remaining")) {
                    continue;
                }
                List<String> samples = lines.stream().filter(line -> line.startsWith(metric.getKey() + "{")
                        || line.startsWith(metric.getKey() + " ")).toList();
                if (samples.isEmpty()) {
                    missing.add(metric.getKey());
                }
                for (String label : metric.getValue()) {
                    if (!samples.isEmpty() && samples.stream().noneMatch(line -> line.contains(label + "=\""))) {
                        missing.add(metric.getKey() + " with label " + label);
                    }
                }
            }
            if (!missing.isEmpty()) {
                Thread.sleep(2000);
            }
        } while (!missing.isEmpty() && System.nanoTime() < deadline);
        assertThat(missing).as("metrics or labels that deploy/monitoring uses and no service serves").isEmpty();
    }

    /** Records the metrics an expression names, each with the labels it groups or matches by, selects on, and prints. */
    private static void use(Map<String, java.util.Set<String>> used, String expr, List<String> printed) {
        // Prometheus adds these to every scraped series itself.
        java.util.Set<String> targetLabels = java.util.Set.of("pod", "instance", "job", "service", "endpoint", "container");
        List<String> labels = new ArrayList<>(printed);
        Matcher by = Pattern.compile("\\b(?:by|on) \\(([^)]*)\\)").matcher(expr);
        while (by.find()) {
            for (String label : by.group(1).split(",")) {
                labels.add(label.strip());
            }
        }
        Matcher selector = Pattern.compile("\\{([a-z_]+)=").matcher(expr);
        while (selector.find()) {
            labels.add(selector.group(1));
        }
        Matcher metric = Pattern.compile("\\bferry_[a-z_]+").matcher(expr);
        while (metric.find()) {
            used.computeIfAbsent(metric.group(), m -> new java.util.TreeSet<>())
                    .addAll(labels.stream().filter(label -> !targetLabels.contains(label)).toList());
        }
    }

    /** Last, once every other test has logged what it logs: no secret of the run is in any process's log. */
    @Test
    @Order(Integer.MAX_VALUE)
    void noLogOfTheRunHoldsATokenAPasswordAKeyOrASasSignature() throws IOException {
        List<String> secrets = new ArrayList<>(stack.issuedTokens());
        secrets.addAll(stack.kafkaPasswords());
        stack.cloud().serviceSettings().forEach((key, value) -> {
            if (key.endsWith("secret")) {
                secrets.add(value);
            }
            Matcher accountKey = ACCOUNT_KEY.matcher(value);
            while (accountKey.find()) {
                secrets.add(accountKey.group(1));
            }
        });
        assertThat(secrets).as("the run's tokens, Kafka passwords, client secret and account keys").hasSizeGreaterThanOrEqualTo(10);
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (var listing = Files.list(stack.logs())) {
            files = listing.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).as("the run's logs").isNotEmpty();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                boolean secret = secrets.stream().anyMatch(line::contains) || SAS_SIGNATURE.matcher(line).find();
                if (secret) {
                    found.add(file.getFileName() + ":" + (i + 1));
                }
            }
        }
        assertThat(found).as("log lines with a bearer token, a Kafka password, a client secret, an account key or a SAS signature")
                .isEmpty();
    }

    /** Sends a recipe's record as kcat would, logged in as other systems' Kafka user (the recipe's -X options). */
    private static void send(KafkaRecipe recipe) throws Exception {
        Properties config = stack.kafkaClientSettings(FerryStack.EXTERNAL_SYSTEMS);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(recipe.topic(),
                    recipe.key().getBytes(StandardCharsets.UTF_8), recipe.value());
            recipe.headers().forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        }
    }

    /** The check of the suite's drills: never run (no pods here); each test ends its Job as it needs. */
    private static final DrScenario.Check CHECK = new DrScenario.Check("busybox:1.36",
            List.of("sh", "-c", "test -d /restored/orders-db"), "5m");
    /** The application drilled by the failing-check and the scheduled drill. */
    private static final String DRILLED = "inventory";
    private static final ResourceDefinitionContext DRILL_SCHEDULES = new ResourceDefinitionContext.Builder()
            .withGroup("ferry.dev").withVersion("v1alpha1").withKind("DrillSchedule").withPlural("drillschedules")
            .withNamespaced(false).build();
    private static boolean drilledBackedUp;

    /** {@link #DRILLED}: one small volume, backed up once to a complete restore point, on first use. */
    private static synchronized void drilledApplication() {
        if (!drilledBackedUp) {
            DemoApp app = DemoApp.create(stack.cloud(), DRILLED, List.of(new DemoApp.Volume("orders-db", 1, 1)));
            app.write(stack.cloud().azure().compute(), 2 * MIB);
            scenario.backup(app);
            drilledBackedUp = true;
        }
    }

    /** The drill's {@code ferry.drill.completed}, as another system reads it from Kafka. */
    private static DrillCompleted drillCompleted(String drillId) {
        List<TopicProbe.Received> records = stack.kafka().read(Topics.DRILL_COMPLETED, r -> r.text().contains("\"" + drillId + "\""),
                1, TIMEOUT);
        assertThat(records).as("ferry.drill.completed of %s", drillId).hasSize(1);
        return EventJson.read(records.get(0).value(), DrillCompleted.class);
    }

    /**
     * The check Job as restore-service made it: run once, ended by Kubernetes at the check's timeout, the check's image and
     * command, every restored PVC mounted read-only at {@code /restored/<pvc>}.
     */
    private static void assertTheCheckJobMountsEveryRestoredPvcReadOnly(Job job, List<String> pvcs) {
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(Duration.ofMinutes(5).toSeconds());
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getContainers()).singleElement().satisfies(container -> {
            assertThat(container.getImage()).isEqualTo(CHECK.image());
            assertThat(container.getCommand()).isEqualTo(CHECK.command());
            assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath(), m -> m.getReadOnly())
                    .containsExactlyInAnyOrderElementsOf(pvcs.stream().map(pvc -> org.assertj.core.groups.Tuple.tuple("/restored/" + pvc,
                            true)).toList());
        });
        assertThat(pod.getVolumes()).extracting(v -> v.getPersistentVolumeClaim().getClaimName(), v -> v.getPersistentVolumeClaim()
                .getReadOnly()).containsExactlyInAnyOrderElementsOf(pvcs.stream().map(pvc -> org.assertj.core.groups.Tuple.tuple(pvc,
                true)).toList());
    }

    private static void say(String line) {
        System.out.println("[e2e] " + line);
    }
}
