package dev.ferry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.events.SnapshotRecreated;
import dev.ferry.events.Topics;
import dev.ferry.events.json.EventJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Many applications backed up at once: {@code namespaces} namespaces of {@code pvcs} small PVCs each,
 * a few MiB written in every one, all backed up together with one strategy, every volume followed to
 * region B, every namespace restored on the DR cluster and checked byte for byte. The Azure fake keeps
 * Resource Manager's own request budgets (200 writes and 200 deletes per 20 s, 250 reads per 10 s per
 * subscription) and Azure's copy limits, so admission control is what keeps the backups from failing.
 * Prints, per strategy: the time beyond the data copy, ARM writes per volume (the services' own
 * counts), and each service's peak RSS and CPU.
 *
 * <p>Options: {@code --namespaces N} (default 50), {@code --pvcs N} per namespace (default 10),
 * {@code --mib N} written per volume (default 2), {@code --strategies A,B} (default copy-start,vhd-incremental),
 * {@code --timeout-minutes N} (default 30), {@code --set service:key=value,...} (settings of the services, to try
 * another configuration).
 */
public final class ScaleRun {

    private static final long MIB = 1 << 20;
    /** How often the run asks the services how far they are: rarely, since the run shares their machine. */
    private static final Duration POLL = Duration.ofSeconds(2);
    /** How many backup requests the run has in flight at once. */
    private static final int REQUESTS_IN_FLIGHT = 8;

    /** What one service process used over the run: its peak resident memory and the CPU time it spent. */
    record ProcessFigures(long peakRssMib, double cpuSeconds) {
    }

    /**
     * One strategy's figures.
     *
     * @param wall            from the first backup request to the last restore point complete in region B
     * @param longestTransfer the longest time any one volume's bytes took to move (Azure's copy, or the export)
     * @param overhead        {@code wall - longestTransfer}: what Ferry's orchestration added beyond moving data
     * @param armWrites       ARM writes of all services during the backups, by operation
     * @param failedVolumes   volumes that did not reach region B
     * @param restoreWall     from the first restore request to the last restore complete
     * @param problems        restored disks that differ from what was backed up
     */
    record Figures(String strategy, int volumes, Duration wall, Duration longestTransfer, Duration overhead,
                   Map<String, Long> armWrites, int throttled, int failedVolumes, Duration restoreWall, List<String> problems,
                   Map<String, ProcessFigures> processes, Map<String, Long> backupKubeRequests, Map<String, Long> restoreKubeRequests,
                   Map<String, Long> backupArmRequests) {

        double armWritesPerVolume() {
            return armWrites.values().stream().mapToLong(Long::longValue).sum() / (double) volumes;
        }

        void print(PrintStream out) {
            out.printf("strategy %s: %d volumes, %d failed; %d restored disks differ%n", strategy, volumes, failedVolumes, problems.size());
            out.printf("  backups: %.1f s from the first request to the last restore point complete;"
                            + " longest transfer of one volume %.1f s; time beyond the data copy %.1f s%n",
                    wall.toMillis() / 1000.0, longestTransfer.toMillis() / 1000.0, overhead.toMillis() / 1000.0);
            out.printf("  ARM writes per volume %.2f (%s); answered 429: %d%n", armWritesPerVolume(), armWrites, throttled);
            out.printf("  ARM requests per volume during the backups, every caller, as the Azure fake answered them: %s%n",
                    backupArmRequests.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                            .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / (double) volumes))
                            .collect(java.util.stream.Collectors.joining(", ")));
            out.printf("  restores: %.1f s for every namespace, %d volumes%n", restoreWall.toMillis() / 1000.0, volumes);
            processes.forEach((name, p) -> out.printf("  %-16s peak RSS %5d MiB, CPU %6.1f s%n", name, p.peakRssMib(), p.cpuSeconds()));
            out.printf("  Kubernetes API requests per volume, backups: %s%n", perVolume(backupKubeRequests));
            out.printf("  Kubernetes API requests per volume, restores: %s%n", perVolume(restoreKubeRequests));
        }

        /** {@code Ferry 4.0 (GET volumesnapshots 1.0, ...); CSI simulator 9.1 (...)}: each caller's requests per volume, the most first. */
        private String perVolume(Map<String, Long> requests) {
            List<String> callers = new ArrayList<>();
            for (String caller : List.of("others", "local-cloud")) {
                String prefix = caller + " ";
                List<Map.Entry<String, Long>> mine = requests.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
                long total = mine.stream().mapToLong(Map.Entry::getValue).sum();
                String top = mine.stream().limit(6).map(e -> String.format("%s %.1f", e.getKey().substring(prefix.length()),
                        e.getValue() / (double) volumes)).collect(java.util.stream.Collectors.joining(", "));
                callers.add(String.format("%s %.1f (%s)", caller.equals("others") ? "Ferry" : "CSI simulator and the run",
                        total / (double) volumes, top));
            }
            return String.join("; ", callers);
        }
    }

    private ScaleRun() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        Map<String, String> options = new LinkedHashMap<>(Map.of("--namespaces", "50", "--pvcs", "10", "--mib", "2",
                "--strategies", "copy-start,vhd-incremental", "--timeout-minutes", "30", "--set", ""));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                System.err.println("unknown option " + args[i] + "; options: " + options.keySet());
                System.exit(2);
            }
            options.put(args[i], args[i + 1]);
        }
        Layout layout = Layout.find();
        Path base = layout.root().resolve("target/scale-run").resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<Figures> all = new ArrayList<>();
        int exit = 0;
        for (String strategy : options.get("--strategies").split(",")) {
            try (FerryStack stack = FerryStack.start(layout, base.resolve(strategy), null, FerryStack.Options.withSettings(options.get("--set")),
                    ScaleRun::say)) {
                Figures figures = measure(stack, strategy, Integer.parseInt(options.get("--namespaces")),
                        Integer.parseInt(options.get("--pvcs")), Long.parseLong(options.get("--mib")) * MIB,
                        Duration.ofMinutes(Long.parseLong(options.get("--timeout-minutes"))), ScaleRun::say);
                all.add(figures);
                figures.print(System.out);
                if (figures.failedVolumes() > 0 || !figures.problems().isEmpty()) {
                    exit = 1;
                }
            } catch (RuntimeException e) {
                System.err.println("the scale run with " + strategy + " failed: " + e.getMessage() + "; logs in " + base.resolve(strategy));
                exit = 1;
            }
        }
        System.out.println();
        all.forEach(f -> f.print(System.out));
        System.exit(exit);
    }

    /**
     * Creates the applications, backs them all up at once with {@code strategy}, waits for every restore point,
     * restores every namespace on the DR cluster and checks it.
     */
    static Figures measure(FerryStack stack, String strategy, int namespaces, int pvcs, long bytesPerVolume, Duration timeout,
                           Consumer<String> say) {
        var cloud = stack.cloud();
        // Resource Manager's own budgets, per subscription (request-limits-and-throttling): Ferry must live within them.
        cloud.azure().armWriteBudget(200, Duration.ofSeconds(20));
        cloud.azure().armDeleteBudget(200, Duration.ofSeconds(20));
        cloud.azure().armReadBudget(250, Duration.ofSeconds(10));
        List<DemoApp> apps = new ArrayList<>();
        for (int n = 0; n < namespaces; n++) {
            List<DemoApp.Volume> volumes = new ArrayList<>();
            for (int v = 0; v < pvcs; v++) {
                volumes.add(new DemoApp.Volume(String.format("vol-%02d", v), 1, 1));
            }
            DemoApp app = DemoApp.create(cloud, String.format("scale-%s-%03d", shortName(strategy), n), volumes);
            app.write(cloud.azure().compute(), bytesPerVolume * pvcs);
            apps.add(app);
        }
        int volumes = namespaces * pvcs;
        say.accept(namespaces + " namespaces with " + volumes + " PVCs written (" + bytesPerVolume / MIB + " MiB each); backing them all up ("
                + strategy + ")");
        Map<String, String> metricsBefore = metrics(stack);
        Map<String, Long> writesBefore = armWrites(metricsBefore);
        int throttledBefore = throttled(metricsBefore);
        Map<String, ProcessFigures> processesBefore = processes(stack);
        kubeRequests(cloud);
        long started = System.nanoTime();
        Map<String, DemoApp> backups = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, DemoApp.Contents> contents = new java.util.concurrent.ConcurrentHashMap<>();
        Api snapshots = stack.snapshotService();
        // Every application asks at once, as many teams' systems would: a few requests in flight, not one after another.
        java.util.concurrent.ExecutorService requests = java.util.concurrent.Executors.newFixedThreadPool(REQUESTS_IN_FLIGHT);
        try {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (DemoApp app : apps) {
                sent.add(requests.submit(() -> {
                    JsonNode accepted = snapshots.expect(202, snapshots.post("/api/v1/backups",
                            Map.of("namespace", app.namespace(), "strategy", strategy)), "POST /api/v1/backups");
                    String backupId = accepted.path("backupId").asText();
                    backups.put(backupId, app);
                    contents.put(backupId, app.contents());
                }));
            }
            for (var request : sent) {
                request.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while requesting the backups", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a backup request failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            requests.shutdown();
        }
        Api restores = stack.restoreService();
        Set<String> pending = new HashSet<>(backups.keySet());
        int failed = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty()) {
            for (String backupId : List.copyOf(pending)) {
                JsonNode run = snapshots.get("/api/v1/backups/" + backupId).body();
                String state = run.path("state").asText();
                if (state.equals("FAILED") || state.equals("PARTIALLY_FAILED")) {
                    for (JsonNode v : run.path("volumes")) {
                        if (!"RECREATED".equals(v.path("state").asText())) {
                            failed++;
                            say.accept("  " + backups.get(backupId).namespace() + "/" + v.path("pvc").asText() + " failed: "
                                    + v.path("failedStep").asText() + " " + v.path("errorCode").asText() + ": " + v.path("error").asText());
                        }
                    }
                    pending.remove(backupId);
                } else if (state.equals("COMPLETED")
                        && restores.get("/api/v1/restore-points/" + backupId).body().path("complete").asBoolean(false)) {
                    pending.remove(backupId);
                }
            }
            requireAlive(stack, deadline, "the backups to reach region B (" + pending.size() + " left)");
            if (!pending.isEmpty()) {
                ManagedProcess.sleep(POLL);
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        Map<String, String> metricsAfter = metrics(stack);
        Map<String, Long> writes = minus(armWrites(metricsAfter), writesBefore);
        int throttled = throttled(metricsAfter) - throttledBefore;
        Map<String, Long> backupKube = kubeRequests(cloud);
        Instant backupsStarted = Instant.now().minus(wall);
        Map<String, Long> backupArm = armRequests(cloud, backupsStarted);
        say.accept("every backup done in " + wall.toMillis() + " ms; " + failed + " volumes failed");
        List<SnapshotRecreated> recreated = stack.kafka().read(Topics.SNAPSHOT_RECREATED,
                r -> backups.keySet().stream().anyMatch(id -> r.text().contains("\"" + id + "\"")), volumes - failed, timeout)
                .stream().map(r -> EventJson.read(r.value(), SnapshotRecreated.class)).toList();
        Duration longest = Duration.ofMillis(recreated.stream().mapToLong(r -> r.transfer().durationMillis()).max().orElse(0));

        long restoreStarted = System.nanoTime();
        Map<String, String> restoreIds = new LinkedHashMap<>();
        for (String backupId : backups.keySet()) {
            JsonNode accepted = restores.expect(202, restores.post("/api/v1/restores", Map.of("restorePointId", backupId,
                    "createNamespace", true)), "POST /api/v1/restores");
            restoreIds.put(accepted.path("restoreId").asText(), backupId);
        }
        Set<String> restoring = new HashSet<>(restoreIds.keySet());
        List<String> problems = new ArrayList<>();
        while (!restoring.isEmpty()) {
            for (String restoreId : List.copyOf(restoring)) {
                JsonNode view = restores.get("/api/v1/restores/" + restoreId).body();
                String state = view.path("state").asText();
                if (state.equals("FAILED")) {
                    problems.add("restore " + restoreId + " failed: " + view.path("error").asText());
                    restoring.remove(restoreId);
                } else if (state.equals("COMPLETED")) {
                    restoring.remove(restoreId);
                }
            }
            requireAlive(stack, deadline, "the restores to complete (" + restoring.size() + " left)");
            if (!restoring.isEmpty()) {
                ManagedProcess.sleep(POLL);
            }
        }
        Duration restoreWall = Duration.ofNanos(System.nanoTime() - restoreStarted);
        Map<String, Long> restoreKube = kubeRequests(cloud);
        DrScenario checker = new DrScenario(stack, line -> { }, timeout);
        for (Map.Entry<String, DemoApp> backup : backups.entrySet()) {
            problems.addAll(checker.verify(backup.getValue().namespace(), contents.get(backup.getKey())));
        }
        say.accept("every namespace restored in " + restoreWall.toMillis() + " ms; " + problems.size() + " problems");
        Map<String, ProcessFigures> after = processes(stack);
        Map<String, ProcessFigures> used = new LinkedHashMap<>();
        after.forEach((name, p) -> used.put(name, new ProcessFigures(p.peakRssMib(),
                p.cpuSeconds() - processesBefore.getOrDefault(name, new ProcessFigures(0, 0)).cpuSeconds())));
        return new Figures(strategy, volumes, wall, longest, wall.minus(longest), writes, throttled, failed, restoreWall, problems, used,
                backupKube, restoreKube, backupArm);
    }

    private static String shortName(String strategy) {
        return switch (strategy) {
            case "copy-start" -> "cs";
            case "vhd-incremental" -> "inc";
            default -> "full";
        };
    }

    private static void requireAlive(FerryStack stack, long deadline, String what) {
        List<String> dead = stack.deadProcesses();
        if (!dead.isEmpty()) {
            throw new IllegalStateException(dead + " stopped unexpectedly while waiting for " + what + "; see " + stack.logs());
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out waiting for " + what);
        }
    }

    /**
     * The Azure fake's answered Resource Manager requests since {@code from}, by verb and what they name:
     * {@code GET snapshots}, {@code GET snapshots (list)}, {@code PUT snapshots}, {@code POST snapshots/beginGetAccess},
     * and {@code answered 429} for the throttled ones.
     */
    private static Map<String, Long> armRequests(dev.ferry.localcloud.LocalCloud cloud, Instant from) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (var request : cloud.azure().armRequests()) {
            if (request.arrived().isBefore(from)) {
                continue;
            }
            String path = request.path().replaceAll("\\?.*", "");
            int provider = path.indexOf("/providers/");
            String[] parts = provider < 0 ? new String[0] : path.substring(provider + "/providers/".length()).split("/");
            // Microsoft.Compute/snapshots[/name[/action]]
            String kind = parts.length < 2 ? "other" : parts[1] + (parts.length < 3 ? " (list)" : parts.length > 3 ? "/" + parts[3] : "");
            counts.merge(request.status() == 429 ? "answered 429" : request.method() + " " + kind, 1L, Long::sum);
        }
        return counts;
    }

    /** Both clusters' API requests since the last call, by caller, verb and resource. */
    private static Map<String, Long> kubeRequests(dev.ferry.localcloud.LocalCloud cloud) {
        Map<String, Long> counts = new java.util.TreeMap<>(cloud.sourceCluster().takeRequestCounts());
        cloud.drCluster().takeRequestCounts().forEach((k, v) -> counts.merge(k, v, Long::sum));
        return counts;
    }

    /** Each service's {@code /q/metrics}, read once per moment the run measures. */
    static Map<String, String> metrics(FerryStack stack) {
        Map<String, String> metrics = new LinkedHashMap<>();
        stack.serviceNames().forEach(service -> metrics.put(service, stack.api(service).text("/q/metrics")));
        return metrics;
    }

    /** ARM writes by service and operation, from the services' {@code ferry_azure_arm_writes_total}. */
    static Map<String, Long> armWrites(Map<String, String> metrics) {
        Map<String, Long> writes = new LinkedHashMap<>();
        metrics.forEach((service, text) -> text.lines().filter(l -> l.startsWith("ferry_azure_arm_writes_total{")).forEach(line -> {
            String operation = line.replaceAll(".*operation=\"([^\"]*)\".*", "$1");
            writes.merge(service + ":" + operation, (long) MetricsText.value(line), Long::sum);
        }));
        return writes;
    }

    private static int throttled(Map<String, String> metrics) {
        return (int) metrics.values().stream().mapToDouble(text -> MetricsText.sum(text, "ferry_azure_arm_throttled_total{", ""))
                .sum();
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> diff = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                diff.put(k, d);
            }
        });
        return diff;
    }

    /** Each service process's peak RSS ({@code VmHWM}) and CPU time so far ({@code utime + stime}), from {@code /proc}. */
    static Map<String, ProcessFigures> processes(FerryStack stack) {
        Map<String, ProcessFigures> figures = new LinkedHashMap<>();
        for (String service : stack.serviceNames()) {
            long pid = stack.process(service).pid();
            try {
                long hwmKib = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                        .filter(l -> l.startsWith("VmHWM:")).map(l -> l.replaceAll("[^0-9]", "")).mapToLong(Long::parseLong)
                        .findFirst().orElse(0);
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // Fields 14 and 15 of stat (utime, stime), counted after the command's closing parenthesis; 100 ticks a second.
                double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                figures.put(service, new ProcessFigures(hwmKib / 1024, cpu));
            } catch (IOException | RuntimeException e) {
                figures.put(service, new ProcessFigures(0, 0));
            }
        }
        return figures;
    }

    private static void say(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  " + line);
    }
}
