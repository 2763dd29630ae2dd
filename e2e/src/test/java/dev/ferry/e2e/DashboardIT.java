package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Instant;
import dev.ferry.events.DrTarget;
import dev.ferry.events.FerryEvent;
import dev.ferry.events.PvcSpec;
import dev.ferry.events.RecoveryObjectives;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.SourceSnapshot;
import dev.ferry.events.TransferStats;
import dev.ferry.events.TransferStrategy;
import dev.ferry.events.VolumeBackup;
import dev.ferry.events.arm.ArmResourceId;
import dev.ferry.localcloud.LocalCloud;
import java.util.Map;
import dev.ferry.events.RestoreRequested;
import dev.ferry.events.cloudevents.EventEnvelope;
import dev.ferry.events.cloudevents.EventSource;
import dev.ferry.events.json.EventJson;
import dev.ferry.localcloud.kafka.TopicProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium): a platform engineer signs in with a token of the DR
 * cluster, sees the application and its restore points with the right age, previews a restore (and a refused one),
 * starts it and sees it complete, and finds it in the history; runs a DR drill from an application's page and follows it to
 * its RTO, and sees each application's last and next drill. Screenshots go to {@code e2e/target/e2e-dashboard}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final long MIB = 1024 * 1024;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ResourceDefinitionContext DRILL_SCHEDULES = new ResourceDefinitionContext.Builder()
            .withGroup("ferry.dev").withVersion("v1alpha1").withKind("DrillSchedule").withPlural("drillschedules").withNamespaced(false).build();

    private static FerryStack stack;
    private static Path run;
    private static ChromeDriver browser;
    private static WebDriverWait wait;
    private static DemoApp app;
    private static DrScenario.Backup first;
    private static DrScenario.Backup newest;

    @BeforeAll
    static void startStackAndBrowser() throws IOException {
        assertThat(CHROMIUM).as("Debian's chromium (e2e/install-chromium.sh; or: sudo apt-get install chromium chromium-driver)").isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (e2e/install-chromium.sh)").isExecutable();
        Layout layout = Layout.find();
        run = Files.createDirectories(layout.root().resolve("e2e/target/e2e-dashboard"));
        stack = FerryStack.start(layout, run, null, DashboardIT::say);
        DrScenario scenario = new DrScenario(stack, DashboardIT::say, TIMEOUT);
        app = DemoApp.create(stack.cloud(), "storefront", List.of(new DemoApp.Volume("catalog", 1, 1)));
        app.write(stack.cloud().azure().compute(), 6 * MIB);
        first = scenario.backup(app);
        app.write(stack.cloud().azure().compute(), 2 * MIB);
        newest = scenario.backup(app);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Root on a CI machine: Chromium's sandbox needs user namespaces it may not get.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1360,1000",
                "--no-first-run", "--disable-background-networking", "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .withLogFile(run.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aRejectedTokenIsSaidSoAndAGoodOneSignsIn() {
        browser.get(dashboard());
        signIn("not-a-token-of-this-cluster");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "not accepted"));
        assertThat(browser.findElement(By.id("sign-in")).isDisplayed()).isTrue();

        signIn(stack.restoreService().token());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("applications")));
        assertThat(browser.findElement(By.id("who")).getText()).contains("Signed in");
    }

    @Test
    @Order(2)
    void theApplicationShowsItsNewestRestorePointWithItsAge() {
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-app='" + FerryStack.SOURCE_CLUSTER + "/storefront']")));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        assertThat(cells.get(0).getText()).contains("storefront").contains(FerryStack.SOURCE_CLUSTER);
        long ageSeconds = Duration.between(newest.takenAt(), java.time.Instant.now()).toSeconds();
        assertThat(cells.get(2).getText()).as("age of the newest restore point, %d s by the clock", ageSeconds)
                .matches(ageSeconds < 85 ? "\\d+ s" : "\\d+ (s|min)");
        int shown = Integer.parseInt(cells.get(2).getText().replaceAll("\\D", ""));
        if (cells.get(2).getText().endsWith(" s")) {
            assertThat((long) shown).isBetween(Math.max(0, ageSeconds - 5), ageSeconds + 30);
        }
        assertThat(cells.get(3).getText()).as("volumes").isEqualTo("1");
        assertThat(cells.get(4).getText()).as("size of the volume").isEqualTo("1.0 GiB");
        assertThat(cells.get(5).getText()).as("moved by the last backup, a diff of 2 MiB written").matches("\\d+\\.\\d MiB");
        assertThat(cells.get(6).getText()).as("restore points").isEqualTo("2");
        assertThat(row.findElements(By.cssSelector("svg.spark rect.moved"))).as("a bar per backup in the row's picture").hasSize(2);
        assertThat(row.findElements(By.cssSelector("svg.spark polyline.lag"))).as("the line of their recovery-point lag").hasSize(1);
        assertThat(arrivedVolume(newest.backupId())).contains("in region B").contains("100%");
        screenshot("applications");
        assertThat(resourcesFromElsewhere()).as("resources the page loaded from another origin").isEmpty();
    }

    @Test
    @Order(3)
    void anApplicationsAgeIsColouredAgainstItsPolicysRpoTarget() {
        // Two applications whose policies state RPO targets, announced in region B as import-service would: the newest
        // restore point of "ledger" is 10 minutes old against a 5-minute target, that of "billing" against 1 hour.
        Instant tenMinutesAgo = Instant.now().minusSeconds(600);
        announce("ledger", new RecoveryObjectives(300L, null), tenMinutesAgo);
        announce("billing", new RecoveryObjectives(3600L, 120L), tenMinutesAgo);
        String ledger = "tr[data-app='" + FerryStack.SOURCE_CLUSTER + "/ledger'] [data-rpo]";
        String billing = "tr[data-app='" + FerryStack.SOURCE_CLUSTER + "/billing'] [data-rpo]";
        wait.until(driver -> {
            driver.navigate().refresh();
            return !driver.findElements(By.cssSelector(ledger)).isEmpty() && !driver.findElements(By.cssSelector(billing)).isEmpty();
        });
        WebElement late = browser.findElement(By.cssSelector(ledger));
        assertThat(late.getAttribute("data-rpo")).as("10 min old against 5 min").isEqualTo("bad");
        assertThat(late.getText()).isEqualTo("10 min of 5 min");
        assertThat(browser.findElement(By.cssSelector(billing)).getAttribute("data-rpo")).as("10 min old against 1 h").isEqualTo("ok");
        assertThat(browser.findElement(By.cssSelector("tr[data-app='" + FerryStack.SOURCE_CLUSTER + "/storefront'] td:nth-child(3) .badge"))
                .getAttribute("data-rpo")).as("storefront's backups were one-off: no target, no colour").isNull();
        screenshot("rpo");
    }

    @Test
    @Order(4)
    void aBackupOnItsWayShowsItsVolumeMoveToRegionB() throws Exception {
        Set<String> before = Set.of(first.backupId(), newest.backupId());
        app.write(stack.cloud().azure().compute(), 48 * MIB);
        CompletableFuture<DrScenario.Backup> third = CompletableFuture.supplyAsync(
                () -> new DrScenario(stack, DashboardIT::say, TIMEOUT).backup(app));
        List<String> seen = new ArrayList<>();
        List<Double> remaining = new ArrayList<>();
        Api exporter = stack.api(stack.exportReplicas().get(0));
        boolean shot = false;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!seen.contains("IN_REGION_B") && System.nanoTime() < deadline) {
            // Read in one go: the page redraws the panel on every poll, so elements found earlier go stale.
            @SuppressWarnings("unchecked")
            List<List<String>> flights = (List<List<String>>) ((JavascriptExecutor) browser).executeScript(
                    "return [...document.querySelectorAll('#in-flight .flight')].map(f => { const v = f.querySelector(\"tr[data-volume='catalog']\");"
                            + " return [f.dataset.backup, v ? v.dataset.state : null]; });");
            for (List<String> flight : flights) {
                String state = flight.get(1);
                if (before.contains(flight.get(0)) || state == null) {
                    continue;
                }
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
                    seen.add(state);
                    if (!shot && !state.equals("IN_REGION_B")) {
                        screenshot("in-flight");
                        shot = true;
                    }
                }
            }
            // export-service's own gauges of its transfer, while it runs.
            String metrics = exporter.text("/q/metrics");
            if (MetricsText.sum(metrics, "ferry_export_transfers_in_flight ", "") == 1) {
                remaining.add(MetricsText.sum(metrics, "ferry_export_bytes_remaining{", "pvc=\"catalog\""));
            }
            Thread.sleep(150);
        }
        newest = third.get();
        assertThat(remaining).as("ferry_export_bytes_remaining of the volume while ferry_export_transfers_in_flight was 1")
                .isNotEmpty().allMatch(bytes -> bytes >= 0 && bytes <= 64 * MIB);
        assertThat(MetricsText.sum(exporter.text("/q/metrics"), "ferry_export_transfers_in_flight ", ""))
                .as("transfers in flight once the backup is in region B").isZero();
        assertThat(exporter.text("/q/metrics")).as("the ended transfer's series").doesNotContain("ferry_export_bytes_remaining{");
        assertThat(seen).as("the volume's states as the page showed them").last().isEqualTo("IN_REGION_B");
        assertThat(seen).as("seen on its way, before it arrived").hasSizeGreaterThan(1);
        assertThat(arrivedVolume(newest.backupId())).contains("100%").contains("48.0 MiB");
    }

    @Test
    @Order(5)
    void aPreviewShowsWhatARestoreWouldCreateOrWhyItCannot() {
        browser.navigate().refresh();
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("storefront"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("application")));
        assertThat(browser.findElements(By.cssSelector("#points-table tbody tr"))).hasSize(3);
        assertThat(browser.findElements(By.cssSelector("#backups-chart .uplot"))).as("the chart of the backups' lag and bytes").hasSize(1);
        assertThat(browser.findElement(By.id("restore-point-label")).getText()).contains(newest.backupId());

        type("target-namespace", "storefront-missing");
        browser.findElement(By.id("preview-button")).click();
        WebElement problem = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#preview .problem")));
        assertThat(problem.getText()).contains("does not exist");
        assertThat(browser.findElement(By.id("start-button")).isEnabled()).isFalse();

        type("target-namespace", "storefront-drill");
        browser.findElement(By.id("create-namespace")).click();
        browser.findElement(By.id("preview-button")).click();
        WebElement plan = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("plan")));
        assertThat(plan.getText()).contains("storefront-drill").contains("catalog").contains("1.0 GiB");
        assertThat(browser.findElement(By.id("start-button")).isEnabled()).isTrue();
        assertThat(stack.cloud().drCluster().client().namespaces().withName("storefront-drill").get()).as("after the preview").isNull();
        screenshot("preview");
    }

    @Test
    @Order(6)
    void aStartedRestoreCompletesAndHoldsTheBackedUpBytes() {
        browser.findElement(By.id("start-button")).click();
        WebElement state = wait.withTimeout(Duration.ofSeconds(60)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#restore-state[data-state='COMPLETED']")));
        assertThat(state.getText()).matches("(?s)Restore completed in \\d+ ms.*catalog: Bound.*");
        screenshot("restored");
        assertThat(new DrScenario(stack, DashboardIT::say, TIMEOUT).verify("storefront-drill", newest.contents())).isEmpty();

        browser.findElement(By.id("nav-restores")).click();
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#restores-table tbody tr")));
        assertThat(row.getText()).contains("storefront-drill").contains("COMPLETED").contains(FerryStack.OPERATOR);
        screenshot("restores");
    }

    @Test
    @Order(7)
    void aRefusedRestoreByEventIsListedWithItsReason() {
        String restoreId = UUID.randomUUID().toString();
        RestoreRequested request = new RestoreRequested(FerryEvent.SCHEMA_VERSION, restoreId, restoreId, newest.backupId(), null, null,
                "storefront-elsewhere", null, true, false, null, Instant.now());
        EventEnvelope envelope = EventEnvelope.of(request, new EventSource("dr-runbook", "ops"), Clock.systemUTC());
        try (TopicProbe external = new TopicProbe(stack.kafkaClientSettings(FerryStack.EXTERNAL_SYSTEMS))) {
            external.send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.write(request));
        }
        browser.findElement(By.id("nav-failures")).click();
        WebElement row = wait.withTimeout(Duration.ofSeconds(60)).until(driver -> {
            driver.navigate().refresh();
            List<WebElement> rows = driver.findElements(By.xpath("//table[@id='failures-table']/tbody/tr[contains(., '" + restoreId + "')]"));
            return rows.isEmpty() ? null : rows.get(0);
        });
        assertThat(row.getText()).contains("restore").contains("NotAllowed").contains("storefront-elsewhere");
        screenshot("failures");
    }

    @Test
    @Order(8)
    void aDrillRunFromThePagePassesWithItsRtoAgainstTheTargetAndIsKept() {
        // "payments" is announced as backed up under a policy with a 15-minute RTO target, its volume's region-B copy being
        // the snapshot of storefront's newest backup: a real snapshot, so its drill restores for real. No check is asked:
        // nothing runs pods in the local stand-ins, so a check Job would never finish.
        JsonNode point = stack.restoreService().expect(200, stack.restoreService().get("/api/v1/restore-points/" + newest.backupId()),
                "GET the newest restore point of storefront");
        announce("payments", new RecoveryObjectives(3600L, 900L), Instant.now().minusSeconds(60),
                ArmResourceId.parse(point.path("volumes").path(0).path("snapshotId").asText()));
        String app = FerryStack.SOURCE_CLUSTER + "/payments";
        browser.get(dashboard() + "#/app/" + app.replace("/", "%2F"));
        wait.until(driver -> {
            driver.navigate().refresh();
            return !driver.findElements(By.cssSelector("#points-table tbody tr")).isEmpty();
        });
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("drills-empty")));
        assertThat(browser.findElement(By.id("drill-schedules")).getText()).contains("No DrillSchedule covers this application");

        browser.findElement(By.id("drill-button")).click();
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (seen.isEmpty() || seen.get(seen.size() - 1).startsWith("running")) {
            assertThat(System.nanoTime() - deadline).as("the drill ended within 90 s; seen: %s", seen).isNegative();
            String state = (String) ((JavascriptExecutor) browser).executeScript(
                    "const s = document.getElementById('drill-state'); if (!s) return null;"
                            + " const c = s.querySelector('ol.steps li.current'); return s.dataset.state + (c ? ' ' + c.textContent : '');");
            if (state != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state))) {
                seen.add(state);
                if (seen.size() == 1) {
                    scrollTo("drills");
                    screenshot("drill-running");
                }
            }
            sleep(100);
        }
        assertThat(seen).as("the drill's states and steps as the page showed them").first().asString().startsWith("running");
        assertThat(seen).last().isEqualTo("passed");
        WebElement outcome = browser.findElement(By.id("drill-state"));
        assertThat(outcome.getText()).matches("(?s)Drill passed in \\d+(\\.\\d)? s: \\d+(\\.\\d)? s of 15 min target.*cleaned up.*");
        assertThat(outcome.findElement(By.cssSelector("[data-rto]")).getAttribute("data-rto")).as("seconds against 15 min").isEqualTo("ok");
        String drillId = outcome.getAttribute("data-drill");
        assertThat(stack.cloud().drCluster().client().namespaces().withName("ferry-" + drillId).get()).as("the drill's scratch namespace").isNull();

        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#drills-table tr[data-drill='" + drillId + "']")));
        assertThat(row.getAttribute("data-outcome")).isEqualTo("passed");
        List<WebElement> cells = row.findElements(By.tagName("td"));
        assertThat(cells.get(1).getText()).as("trigger").isEqualTo("on demand");
        assertThat(cells.get(2).getText()).as("by").isEqualTo(FerryStack.OPERATOR);
        assertThat(cells.get(4).getText()).as("outcome").isEqualTo("passed");
        assertThat(cells.get(5).getText()).as("RTO").matches("\\d+(\\.\\d)? s of 15 min target");
        assertThat(cells.get(6).getText()).as("check").isEqualTo("none");
        assertThat(cells.get(7).getText()).as("cleaned up").isEqualTo("yes");
        scrollTo("drills");
        screenshot("drill");
    }

    @Test
    @Order(9)
    void theApplicationsShowTheirLastDrillAndWhenTheScheduleDrillsThemNext() {
        // A daily DrillSchedule of "ledger", whose region-B snapshot was never made (its restore point is announced only):
        // the scheduler's first drill of it cannot start, and is kept as failed at admit.
        stack.cloud().drCluster().client().genericKubernetesResources(DRILL_SCHEDULES).resource(new GenericKubernetesResourceBuilder()
                .withApiVersion("ferry.dev/v1alpha1").withKind("DrillSchedule").withNewMetadata().withName("ledger-daily").endMetadata()
                .addToAdditionalProperties("spec", Map.of("sourceCluster", FerryStack.SOURCE_CLUSTER, "namespace", "ledger", "every", "24h"))
                .build()).create();
        String ledger = "tr[data-app='" + FerryStack.SOURCE_CLUSTER + "/ledger'] td[data-drill-outcome]";
        browser.get(dashboard());
        WebElement failed = wait.withTimeout(Duration.ofSeconds(90)).until(driver -> {
            driver.navigate().refresh();
            List<WebElement> cells = driver.findElements(By.cssSelector(ledger + "[data-drill-outcome='failed']"));
            return cells.isEmpty() ? null : cells.get(0);
        });
        assertThat(failed.getText()).matches("(?s)failed at admit\\n\\d+ s ago · next drill in 2\\d\\.\\d h");

        WebElement passed = browser.findElement(By.cssSelector("tr[data-app='" + FerryStack.SOURCE_CLUSTER + "/payments'] td[data-drill-outcome]"));
        assertThat(passed.getAttribute("data-drill-outcome")).isEqualTo("passed");
        assertThat(passed.getText()).matches("(?s)passed \\d+(\\.\\d)? s of 15 min target\\n\\d+ (s|min) ago");
        assertThat(passed.findElement(By.cssSelector("[data-rto]")).getAttribute("data-rto")).isEqualTo("ok");
        assertThat(browser.findElement(By.cssSelector("tr[data-app='" + FerryStack.SOURCE_CLUSTER + "/storefront'] td[data-drill-outcome]"))
                .getText()).isEqualTo("never");
        screenshot("applications-drills");

        browser.findElement(By.linkText("ledger")).click();
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#drills-table tr[data-outcome='failed']")));
        assertThat(row.getText()).contains("scheduled").contains("ledger-daily").contains("schedule").contains("in step admit");
        assertThat(browser.findElement(By.cssSelector("#drill-schedules li[data-schedule='ledger-daily']")).getText())
                .contains("every 24h").matches("(?s).*Next drill in 2\\d\\.\\d h.*last failed.*");
        scrollTo("drills");
        screenshot("drill-failed");
    }

    /** Sends the SnapshotRecreated that import-service would send for a one-volume backup of {@code namespace}. */
    private static void announce(String namespace, RecoveryObjectives objectives, Instant takenAt) {
        announce(namespace, objectives, takenAt, null);
    }

    /** The same, with the region-B snapshot given; null for a new name that no snapshot has. */
    private static void announce(String namespace, RecoveryObjectives objectives, Instant takenAt, ArmResourceId regionB) {
        String backupId = UUID.randomUUID().toString();
        String uid = UUID.randomUUID().toString();
        ArmResourceId disk = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, "Microsoft.Compute", "disks", "pvc-" + uid);
        ArmResourceId source = ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.SOURCE_NODE_GROUP, "Microsoft.Compute", "snapshots",
                "snapshot-" + uid);
        ArmResourceId copy = regionB != null ? regionB
                : ArmResourceId.of(LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP, "Microsoft.Compute", "snapshots", "ferry-" + uid);
        VolumeBackup volume = new VolumeBackup("hourly", FerryStack.SOURCE_CLUSTER, namespace, new PvcSpec("data", uid, LocalCloud.STORAGE_CLASS,
                List.of("ReadWriteOnce"), "Filesystem", 1L << 30, 1L << 30, Map.of()), 0, 1,
                new SourceSnapshot(source, disk, LocalCloud.SOURCE_REGION, 1L << 30, true, null),
                new DrTarget(LocalCloud.DR_REGION, LocalCloud.SUBSCRIPTION_ID, LocalCloud.DR_GROUP,
                        ArmResourceId.parse(stack.cloud().drStagingAccount().id())), TransferStrategy.VHD_INCREMENTAL, null, takenAt, objectives);
        SnapshotRecreated recreated = new SnapshotRecreated(FerryEvent.SCHEMA_VERSION, backupId, backupId, volume, copy, 1L << 30, "import",
                TransferStats.full("streaming", MIB, MIB, 1L << 30, 1000, takenAt.plusSeconds(5), takenAt.plusSeconds(6)), 1000L,
                takenAt.plusSeconds(8));
        EventEnvelope envelope = EventEnvelope.of(recreated, new EventSource("import-service", "aks-dr"), Clock.systemUTC());
        stack.kafka().send(envelope.topic(), envelope.key(), envelope.attributes().kafkaHeaders(), EventJson.write(recreated));
    }

    /** The text of the backup's volume row in the panel of backups on their way (folded away once the backup arrived), once it says the volume is in region B. */
    private static String arrivedVolume(String backupId) {
        // Read in one go: the page redraws the panel on every poll, so an element found earlier may go stale.
        return wait.until(driver -> (String) ((JavascriptExecutor) driver).executeScript(
                "const r = document.querySelector(arguments[0]); return r && r.dataset.state === 'IN_REGION_B' ? r.textContent : null;",
                "#in-flight .flight[data-backup='" + backupId + "'] tr[data-volume='catalog']"));
    }

    private static void signIn(String token) {
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
    }

    private static void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    private static String dashboard() {
        return stack.restoreService().base() + "/dashboard/";
    }

    @SuppressWarnings("unchecked")
    private static List<String> resourcesFromElsewhere() {
        List<String> names = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name);");
        return names.stream().filter(name -> !name.startsWith(stack.restoreService().base())).toList();
    }

    private static void screenshot(String name) {
        try {
            File shot = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), run.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void scrollTo(String id) {
        ((JavascriptExecutor) browser).executeScript("document.getElementById(arguments[0]).scrollIntoView()", id);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void say(String line) {
        System.out.println("[dashboard] " + line);
    }
}
