package dev.ferry.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The local DR run, Ferry's first command: starts the stand-ins and the four services, creates a
 * demo application with data on the source cluster, backs it up to region B, deletes it from the
 * source side, restores it on the DR cluster, checks every restored disk byte for byte and prints
 * what it measured. Stops everything it started, also on Ctrl-C or a failure; exits non-zero when a
 * check fails.
 *
 * <p>Options: {@code --data-mib N} (data written, default 256), {@code --disk-gib A,B,...} (the
 * PVCs' sizes, default 1,2), {@code --faults SPEC} (faults for the Azure fake, as local-cloud's
 * README describes), {@code --timeout-minutes N} (default 15).
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
            System.err.println("usage: local-dr-run [--data-mib N] [--disk-gib A,B,...] [--faults SPEC] [--timeout-minutes N]");
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
        stack.startAll(layout, options.faults(), LocalDrRun::say);
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

        DrScenario.Backup backup = scenario.backup(app);
        say("region A is lost: deleting the demo application from the source cluster");
        app.delete(stack.cloud());
        DrScenario.Restore restore = scenario.restore(backup.backupId(), null, null);
        List<String> problems = scenario.verify(restore.namespace(), backup.contents());
        new RunReport(backup, restore, problems, Duration.ofNanos(System.nanoTime() - started), stack.logs()).print(System.out);
        return problems.isEmpty() ? 0 : 1;
    }

    private static void say(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  " + line);
        System.out.flush();
    }

    /** The run's options. */
    record Options(int dataMib, List<Integer> diskGib, String faults, Duration timeout) {

        static Options parse(String[] args) {
            int dataMib = 256;
            List<Integer> disks = List.of(1, 2);
            String faults = System.getenv("LOCALCLOUD_FAULTS");
            int timeoutMinutes = 15;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--data-mib" -> dataMib = positive(args[i], value);
                    case "--disk-gib" -> disks = java.util.Arrays.stream(require(args[i], value).split(","))
                            .map(s -> positive("--disk-gib", s.strip())).toList();
                    case "--faults" -> faults = require(args[i], value);
                    case "--timeout-minutes" -> timeoutMinutes = positive(args[i], value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            long capacityMib = disks.stream().mapToLong(g -> (long) g << 10).sum();
            if (dataMib > capacityMib / 2) {
                throw new IllegalArgumentException("--data-mib " + dataMib + " does not fit half of the disks' " + capacityMib + " MiB");
            }
            return new Options(dataMib, disks, faults, Duration.ofMinutes(timeoutMinutes));
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
