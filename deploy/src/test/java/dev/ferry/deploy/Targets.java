package dev.ferry.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The kustomize targets a user applies, rendered and parsed once per test run. */
final class Targets {

    static final String SOURCE_CLUSTER = "overlays/source-cluster";
    static final String DR_CLUSTER = "overlays/dr-cluster";
    static final String KAFKA = "kafka";
    /** The source-cluster overlay with the HPA component in place of KEDA's, as the overlay's comment tells users to do. */
    static final String SOURCE_CLUSTER_HPA = "target/source-cluster-hpa";

    private static final Map<String, List<HasMetadata>> PARSED = new ConcurrentHashMap<>();

    private Targets() {
    }

    /** The deploy module's folder (Surefire's basedir). */
    static Path deployDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    /** The repository root, where the services' modules are. */
    static Path repoDir() {
        return deployDir().getParent();
    }

    /** Every overlay under deploy/overlays, plus the Kafka folder and the HPA variant. */
    static List<String> all() {
        try (Stream<Path> overlays = Files.list(deployDir().resolve("overlays"))) {
            return Stream.concat(
                    overlays.filter(Files::isDirectory).map(dir -> "overlays/" + dir.getFileName()).sorted(),
                    Stream.of(KAFKA, SOURCE_CLUSTER_HPA)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The typed objects of a target, in the order kustomize emits them. */
    static List<HasMetadata> objects(String target) {
        return PARSED.computeIfAbsent(target, t -> {
            if (t.equals(SOURCE_CLUSTER_HPA)) {
                writeHpaVariant();
            }
            return StrictManifestParser.parse(Kustomize.render(deployDir().resolve(t)));
        });
    }

    static <T extends HasMetadata> List<T> objects(String target, Class<T> type) {
        return objects(target).stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> Optional<T> find(String target, Class<T> type, String name) {
        return objects(target, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    /** A copy of the source overlay at the same depth (so its ../../ paths still hold) with the other autoscaling component. */
    private static void writeHpaVariant() {
        Path source = deployDir().resolve(SOURCE_CLUSTER);
        Path variant = deployDir().resolve(SOURCE_CLUSTER_HPA);
        try (Stream<Path> files = Files.list(source)) {
            Files.createDirectories(variant);
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    String swapped = text.replace("- ../../components/export-autoscaling-keda", "- ../../components/export-autoscaling-hpa");
                    if (swapped.equals(text)) {
                        throw new IllegalStateException("The source overlay no longer lists ../../components/export-autoscaling-keda");
                    }
                    text = swapped;
                }
                Files.writeString(variant.resolve(file.getFileName()), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
