package dev.ferry.localcloud.azurite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Azurite's blob service as a child process on loopback, with the storage accounts a test or the local run needs. */
public final class Azurite implements AutoCloseable {

    /** The emulator's well-known development account, always served: listing accounts would otherwise drop it. */
    public static final String DEV_ACCOUNT = "devstoreaccount1";

    /** System property naming the {@code node_modules} directory into which the build installed Azurite. */
    public static final String NODE_MODULES_PROPERTY = "localcloud.azurite.node-modules";

    // Published by Microsoft for devstoreaccount1; not a secret.
    private static final String DEV_ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final String HOST = "127.0.0.1";
    private static final Path BINARY = Path.of(".bin", "azurite-blob");
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern LISTENING = Pattern.compile("successfully listens on https?://[^:/\\s]+:(\\d+)");
    private static final String CLOSED = "successfully closed";
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(25);
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(5);
    private static final Duration AFTER_CLOSE_GRACE = Duration.ofMillis(500);
    private static final Duration SECOND_SIGNAL_WAIT = Duration.ofSeconds(2);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final int LOG_TAIL_LINES = 30;

    private final Process process;
    private final int port;
    private final Map<String, Account> accounts;
    private final Path workDir;
    private final Path log;
    private final AtomicBoolean closed = new AtomicBoolean();
    // A test JVM that dies early, or Ctrl-C on the local run, would otherwise leave the server running.
    private final Thread shutdownHook = new Thread(this::close, "azurite-shutdown");

    private Azurite(Process process, int port, Map<String, Account> accounts, Path workDir, Path log) {
        this.process = process;
        this.port = port;
        this.accounts = accounts;
        this.workDir = workDir;
        this.log = log;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts with only {@link #DEV_ACCOUNT}, in memory, on a free port. */
    public static Azurite start() {
        return builder().start();
    }

    /** A builder for an instance with more accounts, a fixed port or on-disk storage. */
    public static Builder builder() {
        return new Builder();
    }

    /** The loopback port the blob service listens on. */
    public int port() {
        return port;
    }

    /** One storage account; fails for a name that was not given to the builder. */
    public Account account(String name) {
        Account account = accounts.get(name);
        if (account == null) {
            throw new IllegalArgumentException("No storage account '" + name + "' in " + this);
        }
        return account;
    }

    /** Every account this instance serves, {@link #DEV_ACCOUNT} first. */
    public List<Account> accounts() {
        return List.copyOf(accounts.values());
    }

    /** The server process, for observing it; {@link #close()} is the way to stop it. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /**
     * Stops the server: SIGTERM for a graceful close (which lets on-disk storage flush), SIGTERM again if the
     * process outlives the close, then SIGKILL; any processes it started go the same way.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down (perhaps this is the hook); the hook will find this instance closed.
        }
        // Taken before stopping: once the parent is gone its children are re-parented and no longer reachable here.
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroy();
        awaitGracefulClose();
        if (process.isAlive()) {
            // Azurite handles only the first SIGTERM; the second takes Node's default action and ends the process.
            process.destroy();
            awaitExit(process.toHandle(), SECOND_SIGNAL_WAIT);
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit(process.toHandle(), KILL_WAIT);
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
        descendants.stream().filter(ProcessHandle::isAlive).forEach(d -> {
            if (!awaitExit(d, SECOND_SIGNAL_WAIT)) {
                d.destroyForcibly();
            }
        });
        if (process.isAlive()) {
            throw new IllegalStateException("Azurite (pid " + process.pid() + ") did not stop; see " + log);
        }
        deleteRecursively(workDir);
    }

    @Override
    public String toString() {
        return "Azurite[pid=" + process.pid() + ", blob=http://" + HOST + ":" + port
                + ", accounts=" + accounts.keySet() + "]";
    }

    // Azurite logs the close before it exits; one SIGTERM sometimes only gets that far, so wait for either.
    private void awaitGracefulClose() {
        long deadline = System.nanoTime() + GRACEFUL_STOP.toNanos();
        while (process.isAlive() && !readLog().contains(CLOSED) && System.nanoTime() < deadline
                && !Thread.currentThread().isInterrupted()) {
            awaitExit(process.toHandle(), POLL);
        }
        awaitExit(process.toHandle(), AFTER_CLOSE_GRACE);
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private String readLog() {
        return readLog(log);
    }

    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path log) {
        List<String> lines = readLog(log).lines().collect(Collectors.toList());
        return String.join(System.lineSeparator(),
                lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete Azurite's working directory " + dir, e);
        }
    }

    /** A storage account served by Azurite; its {@link #toString()} leaves out the key. */
    public record Account(String name, String key, String blobEndpoint) {

        /** A connection string for the Azure Storage SDKs, pointing at this account's blob endpoint only. */
        public String connectionString() {
            return "DefaultEndpointsProtocol=http;AccountName=" + name + ";AccountKey=" + key
                    + ";BlobEndpoint=" + blobEndpoint + ";";
        }

        @Override
        public String toString() {
            return "Account[name=" + name + ", blobEndpoint=" + blobEndpoint + "]";
        }
    }

    /** Chooses the accounts, port, storage and location of the Azurite installation before starting it. */
    public static final class Builder {

        private final List<String> accountNames = new ArrayList<>();
        private int port;
        private Path location;
        private Path nodeModules;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;

        private Builder() {
        }

        /** Adds a storage account with a freshly generated key; 3 to 24 lowercase letters and digits. */
        public Builder account(String name) {
            if (!ACCOUNT_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Storage account names are 3 to 24 lowercase letters and digits: '"
                        + name + "'");
            }
            if (!name.equals(DEV_ACCOUNT) && !accountNames.contains(name)) {
                accountNames.add(name);
            }
            return this;
        }

        /** Listens on this port; 0 (the default) lets the system choose a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            this.port = port;
            return this;
        }

        /** Keeps blobs in this directory, so they outlive the process; by default they are held in memory only. */
        public Builder location(Path directory) {
            this.location = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * The {@code node_modules} directory holding Azurite. By default the system property
         * {@value Azurite#NODE_MODULES_PROPERTY}, else the nearest {@code local-cloud/node_modules} or
         * {@code node_modules} in or above the working directory.
         */
        public Builder nodeModules(Path directory) {
            this.nodeModules = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** How long to wait for the port to accept connections; 20 seconds by default. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Starts Azurite and returns once its port accepts connections. */
        public Azurite start() {
            Path binary = locateBinary();
            Map<String, String> keys = new LinkedHashMap<>();
            keys.put(DEV_ACCOUNT, DEV_ACCOUNT_KEY);
            SecureRandom random = new SecureRandom();
            for (String name : accountNames) {
                // Azure's account keys are 64 random bytes, base64-encoded.
                byte[] key = new byte[64];
                random.nextBytes(key);
                keys.put(name, Base64.getEncoder().encodeToString(key));
            }
            Path workDir;
            try {
                workDir = Files.createTempDirectory("ferry-azurite-");
                if (location != null) {
                    Files.createDirectories(location);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare Azurite's directories", e);
            }
            Path log = workDir.resolve("azurite.log");
            Process process = null;
            try {
                process = launch(binary, keys, workDir, log);
                int actualPort = awaitListening(process, log);
                Map<String, Account> accounts = new LinkedHashMap<>();
                keys.forEach((name, key) -> accounts.put(name,
                        new Account(name, key, "http://" + HOST + ":" + actualPort + "/" + name)));
                return new Azurite(process, actualPort, Collections.unmodifiableMap(accounts), workDir, log);
            } catch (RuntimeException e) {
                if (process != null) {
                    process.destroyForcibly();
                    awaitExit(process.toHandle(), KILL_WAIT);
                }
                // The exception carries the tail of the log, so the directory has nothing left to tell.
                deleteRecursively(workDir);
                throw e;
            }
        }

        private Process launch(Path binary, Map<String, String> keys, Path workDir, Path log) {
            List<String> command = new ArrayList<>(List.of(
                    binary.toString(),
                    "--blobHost", HOST,
                    "--blobPort", Integer.toString(port),
                    // The SDK is usually newer than the emulator; the calls Ferry makes exist in both.
                    "--skipApiVersionCheck",
                    // Ignore headers the emulator does not know rather than fail requests that Azure would accept.
                    "--loose",
                    // Endpoints name the account in the path; never guess it from a host name.
                    "--disableProductStyleUrl",
                    "--disableTelemetry",
                    // One line per request would fill the log during a transfer; start-up and errors still appear.
                    "--silent"));
            if (location == null) {
                command.add("--inMemoryPersistence");
            } else {
                command.add("--location");
                command.add(location.toAbsolutePath().toString());
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("AZURITE_ACCOUNTS", keys.entrySet().stream()
                    .map(e -> e.getKey() + ":" + e.getValue())
                    .collect(Collectors.joining(";")));
            try {
                return builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("Could not run " + binary
                        + " (it needs 'node' on the PATH): " + e.getMessage(), e);
            }
        }

        private int awaitListening(Process process, Path log) {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            OptionalInt listening = OptionalInt.empty();
            while (System.nanoTime() < deadline) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("Interrupted while waiting for Azurite to start");
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("Azurite exited with status " + process.exitValue()
                            + " while starting. Its output:" + System.lineSeparator() + tail(log));
                }
                if (listening.isEmpty()) {
                    listening = announcedPort(log);
                }
                if (listening.isPresent() && accepts(listening.getAsInt())) {
                    return listening.getAsInt();
                }
                awaitExit(process.toHandle(), POLL);
            }
            throw new IllegalStateException("Azurite did not accept connections within " + startTimeout
                    + ". Its output:" + System.lineSeparator() + tail(log));
        }

        // Probing the port alone could reach whoever held it before; Azurite announces only a port it bound itself.
        // With port 0 it also tells which port the system chose, which avoids the race of probing for a free one.
        private static OptionalInt announcedPort(Path log) {
            Matcher m = LISTENING.matcher(readLog(log));
            return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
        }

        private static boolean accepts(int port) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), (int) POLL.toMillis() * 4);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private Path locateBinary() {
            Optional<Path> explicit = Optional.ofNullable(nodeModules)
                    .or(() -> Optional.ofNullable(System.getProperty(NODE_MODULES_PROPERTY)).map(Path::of));
            if (explicit.isPresent()) {
                Path binary = explicit.get().resolve(BINARY);
                if (!Files.isExecutable(binary)) {
                    throw new IllegalStateException("Azurite is not installed at " + binary
                            + "; run the Maven build, which installs Azurite with npm (see local-cloud/pom.xml).");
                }
                return binary;
            }
            Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                for (Path candidate : List.of(dir.resolve("local-cloud").resolve("node_modules").resolve(BINARY),
                        dir.resolve("node_modules").resolve(BINARY))) {
                    if (Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
            throw new IllegalStateException("Azurite not found: no local-cloud/node_modules/.bin/azurite-blob or "
                    + "node_modules/.bin/azurite-blob in " + start + " or above, and system property "
                    + NODE_MODULES_PROPERTY + " is not set; run the Maven build, which installs Azurite with npm (see local-cloud/pom.xml).");
        }
    }
}
