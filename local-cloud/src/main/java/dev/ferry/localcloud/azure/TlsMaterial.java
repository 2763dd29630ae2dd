package dev.ferry.localcloud.azure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made at start with the JDK's keytool, and
 * a trust store holding it that any JVM can be pointed at ({@code javax.net.ssl.trustStore}).
 * The Azure SDK's bearer-token policy refuses plain HTTP, so the fakes must speak HTTPS.
 */
public final class TlsMaterial {

    /** The system property naming the directory of this JVM's material; a child process given it serves the same. */
    public static final String SHARED_DIRECTORY_PROPERTY = "localcloud.tls.directory";
    private static final String KEY_STORE = "fake-azure-key.p12";
    private static final String TRUST_STORE = "fake-azure-truststore.p12";
    // Not a secret: it protects a throwaway key for a loopback-only test server.
    private static final String PASSWORD = "ferry-local-cloud";
    private static TlsMaterial shared;

    private final Path keyStore;
    private final Path trustStore;
    private final String password;

    private TlsMaterial(Path keyStore, Path trustStore, String password) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.password = password;
    }

    /**
     * The material every fake in this JVM serves. One per JVM because TLS clients (the JDK's default
     * SSL context, the Azure SDK's shared HTTP client) keep the trust they were built with: a second
     * certificate in the same JVM would not be trusted. Its directory is kept in a system property,
     * so that copies of this class in other class loaders (a Quarkus test's) find the same one.
     * Removed when the JVM exits.
     */
    public static synchronized TlsMaterial forThisJvm() throws IOException {
        if (shared != null) {
            return shared;
        }
        String existing = System.getProperty(SHARED_DIRECTORY_PROPERTY);
        if (existing != null && Files.isRegularFile(Path.of(existing, KEY_STORE))) {
            Path directory = Path.of(existing);
            shared = new TlsMaterial(directory.resolve(KEY_STORE), directory.resolve(TRUST_STORE), PASSWORD);
            return shared;
        }
        Path directory = Files.createTempDirectory("ferry-local-cloud-tls-");
        shared = create(directory);
        System.setProperty(SHARED_DIRECTORY_PROPERTY, directory.toString());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var files = Files.list(directory)) {
                files.forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // Best effort: a temporary directory.
            }
            directory.toFile().delete();
        }, "local-cloud-tls-cleanup"));
        return shared;
    }

    /** Makes a key pair and certificate valid for a year, and the trust store, in {@code directory}. */
    public static TlsMaterial create(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path keyStore = directory.resolve(KEY_STORE);
        Path certificate = directory.resolve("fake-azure.crt");
        Path trustStore = directory.resolve(TRUST_STORE);
        Files.deleteIfExists(keyStore);
        Files.deleteIfExists(trustStore);
        String password = PASSWORD;
        keytool("-genkeypair", "-alias", "fake-azure", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "365",
                "-dname", "CN=ferry-local-cloud", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-alias", "fake-azure", "-keystore", keyStore.toString(), "-storepass", password,
                "-rfc", "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "fake-azure", "-file", certificate.toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", password);
        return new TlsMaterial(keyStore, trustStore, password);
    }

    /** The PKCS12 trust store that holds the fake's certificate. */
    public Path trustStore() {
        return trustStore;
    }

    /** The trust store's password (a fixed, non-secret value). */
    public String trustStorePassword() {
        return password;
    }

    /** The server side: an SSL context with the fake's key. */
    public SSLContext serverContext() throws IOException {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the fake's key store", e);
        }
    }

    /**
     * Makes this JVM trust the fake by default. Takes effect only if no TLS connection was made
     * before; a separate process gets {@code -Djavax.net.ssl.trustStore=...} instead.
     */
    public void trustInThisJvm() {
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", password);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    private static void keytool(String... args) throws IOException {
        Path javaHome = Path.of(System.getProperty("java.home"));
        List<String> command = new java.util.ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
