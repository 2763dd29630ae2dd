package dev.ferry.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process whose output goes to one log file; stopped with SIGTERM, then killed if it lingers,
 * or killed at once on purpose ({@link #kill}), as a crash would end it.
 */
final class ManagedProcess implements AutoCloseable {

    /** The exit code of a process that SIGKILL ended: 128 + 9, as the JDK reports a signal on Linux. */
    static final int SIGKILL_EXIT_CODE = 137;

    private final String name;
    private final Process process;
    private final Path log;
    private volatile boolean killed;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ManagedProcess start(String name, List<String> command, Path workingDirectory, Path log) {
        try {
            Files.createDirectories(workingDirectory);
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ManagedProcess(name, process, log);
        } catch (IOException e) {
            throw new IllegalStateException(name + " did not start: " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** The operating system's process id, for its figures in {@code /proc}. */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Whether {@link #kill} ended it (so it is not a process that died on its own). */
    boolean killed() {
        return killed;
    }

    /**
     * Ends the process without warning, as a crash or an evicted pod would: no shutdown hook, no
     * graceful stop. On Linux the JDK's {@code destroyForcibly} sends SIGKILL. Returns the exit code
     * once the process has ended.
     */
    int kill(Duration timeout) {
        killed = true;
        try {
            if (!process.destroyForcibly().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not end within " + timeout + " of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return process.exitValue();
    }

    /** Waits until a line of the log matches; fails if the process ends first or the time runs out. */
    String awaitLine(Predicate<String> matches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(log)) {
                    for (String line : Files.readAllLines(log)) {
                        if (matches.test(line)) {
                            return line;
                        }
                    }
                }
            } catch (IOException e) {
                // The log is being written; read it again.
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " ended with exit code " + process.exitValue() + " before it was ready; see " + log);
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
