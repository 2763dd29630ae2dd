package dev.ferry.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The local DR run, Ferry's first command: starts the stand-ins and the four services, creates a
 * demo application with data on the source cluster, backs it up to region B, changes about 1% of
 * its data and backs it up again, deletes it from the source side, restores the last backup on the
 * DR cluster, checks every restored disk byte for byte, drills the application once (a test restore
 * into a scratch namespace with a check, then removed) and prints what it measured. Stops
 * everything it started, also on Ctrl-C or a failure; exits non-zero when a check fails or the drill
 * did not pass cleanly.
 *
 * <p>Options: {@code --data-mib N} (data written, default 256), {@code --disk-gib A,B,...} (the
 * PVCs' sizes, default 1,2), {@code --backups N} (default 2), {@code --change-percent P} (of the
 * written bytes changed before each later backup, default 1), {@code --strategy S} (vhd-incremental,
 * the default, vhd-full or copy-start), {@code --report-json FILE}, {@code --faults SPEC} (faults for the
 * Azure fake, as local-cloud's README describes), {@code --timeout-minutes N} (default 15), {@code --set
 * service:key=value,...} (settings of the services' own, to try another configuration).
 */
public final class LocalDrRun {

    private LocalDrRun() {
    }

    public static void main(String[] args) {
        // Kafka's and the mocks' clients log at INFO; the run's own lines are what a user reads.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // The progress follower may ask for its topic before the first export creates it: not worth a warning.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: local-dr-run [--data-mib N] [--disk-gib A,B,...] [--backups N] [--change-percent P]"
                    + " [--strategy vhd-incremental|vhd-full|copy-start] [--report-json FILE] [--faults SPEC] [--timeout-minutes N]"
                    + " [--set service:key=value,...] [--keep]");
            System.exit(2);
            return;
        }
        Layout layout = Layout.find();
        Path runDirectory = layout.root().resolve("target/local-dr-run")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        long started = System.nanoTime();
        AtomicReference<FerryStack> running = new AtomicReference<>();
        Thread stopper = new Thread(() -> {
            FerryStack stack = running.getAndSet(null);
            if (stack != null) {
                System.out.println("stopping everything the run started");
                stack.close();
            }
        }, "local-dr-run-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        int exit;
        try {
            exit = run(layout, runDirectory, options, running, started);
        } catch (RuntimeException e) {
            System.err.println("the local DR run failed: " + e.getMessage());
            System.err.println("logs of every process: " + runDirectory.resolve("logs"));
            exit = 1;
        } finally {
            FerryStack stack = running.getAndSet(null);
            if (stack != null) {
                stack.close();
            }
        }
        System.exit(exit);
    }

    private static int run(Layout layout, Path runDirectory, Options options, AtomicReference<FerryStack> running, long started) {
        FerryStack stack = new FerryStack(runDirectory);
        running.set(stack);
        stack.startAll(layout, options.faults(), options.stack(), LocalDrRun::say);
        say("everything is up after " + (System.nanoTime() - started) / 1_000_000 + " ms; logs in " + stack.logs());
        DrScenario scenario = new DrScenario(stack, LocalDrRun::say, options.timeout());

        List<DemoApp.Volume> volumes = new java.util.ArrayList<>();
        for (int i = 0; i < options.diskGib().size(); i++) {
            int gib = options.diskGib().get(i);
            volumes.add(new DemoApp.Volume(i == 0 ? "orders-db" : "orders-files" + (i == 1 ? "" : "-" + i), gib, gib));
        }
        DemoApp app = DemoApp.create(stack.cloud(), "demo", volumes);
        app.write(stack.cloud().azure().compute(), (long) options.dataMib() << 20);
        say("demo application: namespace demo, PVCs " + volumes.stream().map(v -> v.pvc() + " (" + v.diskGib() + " GiB)").toList()
                + ", " + options.dataMib() + " MiB written in 1 MiB extents");

        List<DrScenario.Backup> backups = new java.util.ArrayList<>();
        for (int i = 1; i <= options.backups(); i++) {
            if (i > 1) {
                DemoApp.Churn churn = app.churn(stack.cloud().azure().compute(), options.changePercent() / 100);
                say(String.format("demo application changed %.1f%% of its data: ", options.changePercent()) + DrScenario.mib(churn.rewritten())
                        + " rewritten, " + DrScenario.mib(churn.added()) + " written anew, " + DrScenario.mib(churn.trimmed()) + " trimmed");
            }
            backups.add(scenario.backup(app, options.strategy()));
        }
        DrScenario.Backup last = backups.get(backups.size() - 1);
        say("region A is lost: deleting the demo application from the source cluster");
        app.delete(stack.cloud());
        DrScenario.Restore restore = scenario.restore(last.backupId(), null, null);
        List<String> problems = scenario.verify(restore.namespace(), last.contents());
        say("a DR drill of demo: its newest restore point into a scratch namespace, the check, everything removed again");
        DrScenario.Drill drill = scenario.drill("demo", DEMO_CHECK, CheckJobFinisher.Outcome.SUCCEEDED);
        RunReport report = new RunReport(backups, restore, problems, drill, Duration.ofNanos(System.nanoTime() - started), stack.logs());
        report.print(System.out);
        if (options.reportJson() != null) {
            report.writeJson(options.reportJson());
            System.out.println("report as JSON: " + options.reportJson());
        }
        if (options.keep()) {
            explore(stack, runDirectory, restore);
        }
        return problems.isEmpty() && RunReport.clean(drill) ? 0 : 1;
    }

    /**
     * The demo application's check: what a real one would run over the restored PVCs. Nothing runs it here (the local
     * stand-ins run no pods); the run sets the Job's outcome itself ({@link CheckJobFinisher}).
     */
    static final DrScenario.Check DEMO_CHECK = new DrScenario.Check("busybox:1.36",
            List.of("sh", "-c", "ls -l /restored/*"), "5m");

    /** Leaves everything running for a person to explore, says where each part is, and waits for Ctrl-C. */
    private static void explore(FerryStack stack, Path runDirectory, DrScenario.Restore restore) {
        Path access = stack.writeAccessFiles();
        String restoreId = java.util.UUID.randomUUID().toString();
        java.io.PrintStream out = System.out;
        out.println();
        out.println("Everything keeps running (--keep); Ctrl-C stops it all. Your files (tokens, Kafka login): " + access);
        out.println();
        out.println("  dashboard (region B)  " + stack.restoreService().base() + "/dashboard/");
        out.println("                        sign in with the token in " + access.resolve("dr-token"));
        for (String service : stack.serviceNames()) {
            Api api = stack.api(service);
            if (service.startsWith("export-service")) {
                out.printf("  %-21s no REST API (it works from Kafka alone)   metrics %s/q/metrics%n", service, api.management());
            } else {
                out.printf("  %-21s %s/api/v1   Swagger UI %s/q/swagger-ui   OpenAPI and metrics %s/q/openapi, /q/metrics%n", service,
                        api.base(), api.management(), api.management());
            }
        }
        out.println("  Kafka                 " + stack.bootstrapServers() + " (SASL_PLAINTEXT, SCRAM-SHA-512; as ferry-external-systems: "
                + access.resolve("ferry-kafka.conf") + ")");
        out.println();
        out.println("Try:");
        out.println("  curl -s -H \"Authorization: Bearer $(cat " + access.resolve("source-token") + ")\" "
                + stack.snapshotService().base() + "/api/v1/backups");
        out.println("  curl -s -H \"Authorization: Bearer $(cat " + access.resolve("dr-token") + ")\" "
                + stack.restoreService().base() + "/api/v1/restore-points?namespace=demo");
        out.println("  # restore demo's newest restore point into " + EVENT_TARGET + " by event (restored already into "
                + restore.namespace() + " by REST);");
        out.println("  # kcat must be built on librdkafka 2.6.1 or later: older ones fail SCRAM against Kafka 4 (Debian 12's kcat does)");
        out.println("  kcat -P -F " + access.resolve("ferry-kafka.conf") + " -t ferry.restore.requested -k " + restoreId + " \\");
        out.println("    -H ce_specversion=1.0 -H ce_id=" + restoreId + " -H ce_source=/runbook/local \\");
        out.println("    -H ce_type=ferry.restore.requested.v1 -H content-type=application/json <<'EOF'");
        out.println("{\"schemaVersion\":1,\"restoreId\":\"" + restoreId + "\",\"correlationId\":\"explore\",\"namespace\":\"demo\","
                + "\"targetNamespace\":\"" + EVENT_TARGET + "\",\"createNamespace\":true,\"requestedBy\":\"runbook\",\"requestedAt\":\""
                + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}");
        out.println("EOF");
        out.println("  kcat -C -F " + access.resolve("ferry-kafka.conf") + " -t ferry.restore.completed -o beginning -e -f '%k %s\\n'");
        out.println();
        out.flush();
        try {
            new java.util.concurrent.CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The namespace into which a kept stack takes restores by event (the kcat example's). */
    private static final String EVENT_TARGET = "demo-dr";

    private static void say(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  " + line);
        System.out.flush();
    }

    /**
     * The run's options.
     *
     * @param changePercent of each volume's written bytes, changed before each backup after the first
     * @param strategy      the transfer strategy every backup asks snapshot-service for
     * @param reportJson    where to write the report as JSON; null for nowhere
     */
    record Options(int dataMib, List<Integer> diskGib, int backups, double changePercent, String strategy, Path reportJson,
                   String faults, Duration timeout, FerryStack.Options stack, boolean keep) {

        static final List<String> STRATEGIES = List.of("vhd-incremental", "vhd-full", "copy-start");

        static Options parse(String[] args) {
            int dataMib = 256;
            List<Integer> disks = List.of(1, 2);
            int backups = 2;
            double changePercent = 1;
            String strategy = "vhd-incremental";
            Path reportJson = null;
            String faults = System.getenv("LOCALCLOUD_FAULTS");
            int timeoutMinutes = 15;
            String settings = "";
            boolean keep = false;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (args[i].equals("--keep")) {
                    keep = true;
                    continue;
                }
                switch (args[i]) {
                    case "--data-mib" -> dataMib = positive(args[i], value);
                    case "--disk-gib" -> disks = java.util.Arrays.stream(require(args[i], value).split(","))
                            .map(s -> positive("--disk-gib", s.strip())).toList();
                    case "--backups" -> backups = positive(args[i], value);
                    case "--change-percent" -> changePercent = percent(args[i], value);
                    case "--strategy" -> strategy = strategy(require(args[i], value));
                    case "--report-json" -> reportJson = Path.of(require(args[i], value));
                    case "--faults" -> faults = require(args[i], value);
                    case "--timeout-minutes" -> timeoutMinutes = positive(args[i], value);
                    case "--set" -> settings = require(args[i], value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            long capacityMib = disks.stream().mapToLong(g -> (long) g << 10).sum();
            if (dataMib > capacityMib / 2) {
                throw new IllegalArgumentException("--data-mib " + dataMib + " does not fit half of the disks' " + capacityMib + " MiB");
            }
            if (keep) {
                // The kcat example restores by event: open its namespace to restores by event (none are by default).
                settings = "restore-service:ferry.restore.event-target-namespaces=" + EVENT_TARGET + (settings.isBlank() ? "" : "," + settings);
            }
            return new Options(dataMib, disks, backups, changePercent, strategy, reportJson, faults, Duration.ofMinutes(timeoutMinutes),
                    FerryStack.Options.withSettings(settings), keep);
        }

        private static String strategy(String value) {
            if (!STRATEGIES.contains(value)) {
                throw new IllegalArgumentException("--strategy must be vhd-incremental, vhd-full or copy-start, not " + value);
            }
            return value;
        }

        private static double percent(String option, String value) {
            try {
                double parsed = Double.parseDouble(require(option, value));
                if (!(parsed > 0 && parsed <= 50)) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number above 0 and at most 50, not " + value);
            }
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }

        private static int positive(String option, String value) {
            try {
                int parsed = Integer.parseInt(require(option, value));
                if (parsed < 1) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a positive whole number, not " + value);
            }
        }
    }
}
