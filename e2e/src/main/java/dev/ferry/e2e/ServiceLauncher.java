package dev.ferry.e2e;

import dev.ferry.localcloud.azure.TlsMaterial;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Starts a Ferry service from its packaged Quarkus app. Its settings go into
 * {@code config/application.properties} of its working directory (which Quarkus reads), not onto
 * the command line, so that no credential shows in a process listing or a log. A service that talks
 * to a cluster finds it as a client in a pod would find a kubeconfig: the file's path is the
 * {@link #KUBECONFIG} setting, handed to the JVM as fabric8's {@code kubeconfig} property (the
 * {@code KUBECONFIG} variable's twin), and the file holds the mock's CA and a token.
 */
final class ServiceLauncher {

    /** The setting that names the kubeconfig file of the cluster the service works on. */
    static final String KUBECONFIG = "kubeconfig";

    private ServiceLauncher() {
    }

    static ManagedProcess start(Layout layout, String service, Map<String, String> settings, Path workingDirectory, Path log,
                                TlsMaterial azureTls) {
        Path config = workingDirectory.resolve("config");
        FerryStack.createDirectories(config);
        Properties properties = new Properties();
        properties.putAll(settings);
        Object kubeconfig = properties.remove(KUBECONFIG);
        try (OutputStream out = Files.newOutputStream(config.resolve("application.properties"))) {
            properties.store(out, service + " for the local DR run: the local stand-ins' endpoints");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The Azure fake's certificate is self-signed: the JVM trusts it through the fake's trust store, whose
        // password goes into an argument file (java @file) rather than onto the command line.
        Path jvmOptions = workingDirectory.resolve("jvm.options");
        try {
            List<String> options = new java.util.ArrayList<>(List.of(quoted("-Djavax.net.ssl.trustStore=" + azureTls.trustStore()),
                    quoted("-Djavax.net.ssl.trustStorePassword=" + azureTls.trustStorePassword()),
                    "-Djavax.net.ssl.trustStoreType=PKCS12"));
            if (kubeconfig != null) {
                options.add(quoted("-Dkubeconfig=" + kubeconfig));
            }
            Files.write(jvmOptions, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(Layout.java(), "-Xmx384m", "-XX:+UseSerialGC", "@" + jvmOptions,
                "-jar", layout.serviceJar(service).toString());
        return ManagedProcess.start(service, command, workingDirectory, log);
    }

    /** An argument-file token: quoted, backslashes doubled (the java launcher's @file syntax). */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Waits until the service answers {@code /q/health/ready} with 200. */
    static void awaitReady(ManagedProcess process, Api api, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new IllegalStateException(process.name() + " ended before it was ready; see " + process.log());
            }
            try {
                Api.Answer answer = api.get("/q/health/ready");
                if (answer.status() == 200) {
                    return;
                }
                last = "HTTP " + answer.status() + " " + answer.body();
            } catch (IllegalStateException e) {
                last = e.getMessage();
            }
            ManagedProcess.sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException(process.name() + " was not ready within " + timeout + " (" + last + "); see " + process.log());
    }
}
