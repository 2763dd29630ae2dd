package dev.ferry.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Renders a kustomize target with {@code kubectl kustomize}, as {@code kubectl apply -k} would; one render per target per run. */
final class Kustomize {

    /** The kubectl binary: {@code $KUBECTL} if set, else {@code kubectl} on the PATH. */
    static final String KUBECTL = System.getenv().getOrDefault("KUBECTL", "kubectl");

    private static final Map<Path, String> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The YAML stream of every object the target at {@code dir} makes. */
    static String render(Path dir) {
        return RENDERED.computeIfAbsent(dir.toAbsolutePath().normalize(), Kustomize::run);
    }

    private static String run(Path dir) {
        Process process;
        try {
            process = new ProcessBuilder(List.of(KUBECTL, "kustomize", dir.toString()))
                    .redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IllegalStateException("This test needs kubectl (1.27 or later, with its built-in kustomize) on the PATH, "
                    + "or its path in $KUBECTL; see deploy/README.md. Could not run '" + KUBECTL + "': " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            // kustomize output is small; read both streams fully before waiting.
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "): "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
