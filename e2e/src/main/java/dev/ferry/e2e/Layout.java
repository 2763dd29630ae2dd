package dev.ferry.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built project lives: the repository root, the services' packaged apps, this module's class path. */
final class Layout {

    /** System property naming the repository root; else the working directory or one of its parents. */
    static final String ROOT_PROPERTY = "ferry.root";

    private final Path root;

    private Layout(Path root) {
        this.root = root;
    }

    static Layout find() {
        String configured = System.getProperty(ROOT_PROPERTY);
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("local-cloud"))) {
                return new Layout(dir);
            }
        }
        throw new IllegalStateException("cannot find Ferry's repository root from " + start + "; set -D" + ROOT_PROPERTY);
    }

    Path root() {
        return root;
    }

    /** A service's packaged Quarkus app; the build ({@code ./mvnw install -DskipTests}) makes it. */
    Path serviceJar(String service) {
        Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw install -DskipTests)");
        }
        return jar;
    }

    /** This module's class path as the build copied it: classes and every runtime dependency. */
    String classPath() {
        Path module = root.resolve("e2e/target");
        if (!Files.isDirectory(module.resolve("lib"))) {
            throw new IllegalStateException(module.resolve("lib") + " is missing: build first (./mvnw install -DskipTests)");
        }
        return module.resolve("classes") + java.io.File.pathSeparator + module.resolve("lib") + java.io.File.separator + "*";
    }

    Path azuriteModules() {
        return root.resolve("local-cloud/node_modules");
    }

    /** The {@code java} launcher of this JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
