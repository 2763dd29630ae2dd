package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The small version of the scale run (e2e's README): 50 PVCs in 5 namespaces backed up at once with
 * copy-start, within Resource Manager's own request budgets, every one restored and checked. The
 * 500-volume run is a separate command ({@link ScaleRun}).
 */
class ScaleIT {

    @Test
    void fiftyVolumesBackedUpAtOnceWithCopyStartAllReachRegionBWithinAzuresLimitsAndRestoreExactly() throws Exception {
        Layout layout = Layout.find();
        Path run = Files.createDirectories(layout.root().resolve("e2e/target/e2e-scale"));
        try (FerryStack stack = FerryStack.start(layout, run, null, ScaleIT::say)) {
            ScaleRun.Figures figures = ScaleRun.measure(stack, "copy-start", 5, 10, 1 << 20, Duration.ofMinutes(8), ScaleIT::say);
            figures.print(System.out);

            assertThat(figures.failedVolumes()).as("volumes that did not reach region B").isZero();
            assertThat(figures.problems()).as("restored disks that differ").isEmpty();
            assertThat(figures.armWritesPerVolume()).as("ARM writes per volume: %s", figures.armWrites()).isLessThanOrEqualTo(3.0);
            assertThat(figures.armWrites()).containsKey("export-service:snapshots/PUT");
            assertThat(figures.armWrites().get("export-service:snapshots/PUT")).as("one CopyStart per volume, no retry of an accepted one")
                    .isBetween(50L, 50L + figures.throttled());
            // Nothing went wrong, so nothing in the services' logs asks a user to act: no WARN, no ERROR.
            assertThat(warningsAndErrors(stack)).as("WARN and ERROR lines of a clean run").isEmpty();
        }
    }

    /** The WARN and ERROR lines of the four services' logs (not the stand-in broker's), as they are so far. */
    private static List<String> warningsAndErrors(FerryStack stack) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String service : stack.serviceNames()) {
            try (var log = Files.lines(stack.logs().resolve(service + ".log"))) {
                log.filter(l -> l.matches("^\\S+ (WARN|ERROR) .*")).map(l -> service + ": " + l).forEach(lines::add);
            }
        }
        return lines;
    }

    private static void say(String line) {
        System.out.println("[scale] " + line);
    }
}
