package dev.ferry.restore.drill;

import dev.ferry.support.time.KubeDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The application's own check of a drill: a container image and its command, run as a Job in the scratch namespace with every
 * restored PVC mounted read-only under {@code /restored/<pvc name>}; the drill passes only if the Job succeeds within
 * {@code timeout}.
 */
public record DrillCheckSpec(String image, List<String> command, Duration timeout) {

    public DrillCheckSpec {
        command = command == null ? List.of() : List.copyOf(command);
    }

    /**
     * The check a REST body or a DrillSchedule states, its problems added to {@code problems} (each prefixed with
     * {@code field}); null when it has problems.
     *
     * @param command a list of strings, or null for the image's own entrypoint
     * @param timeout a duration as Kubernetes writes them ({@code 10m}), or null for {@code defaultTimeout}
     */
    public static DrillCheckSpec parse(String image, Object command, String timeout, Duration defaultTimeout, Duration maxTimeout,
                                       String field, List<String> problems) {
        int before = problems.size();
        if (image == null || image.isBlank() || image.length() > 512 || image.chars().anyMatch(Character::isWhitespace)) {
            problems.add(field + "image must name a container image (no spaces) but is " + (image == null ? "missing" : "'" + image + "'"));
        }
        List<String> commandLine = new ArrayList<>();
        if (command instanceof List<?> parts) {
            for (Object part : parts) {
                if (part instanceof String text) {
                    commandLine.add(text);
                } else {
                    problems.add(field + "command must be a list of strings");
                    break;
                }
            }
        } else if (command != null) {
            problems.add(field + "command must be a list of strings");
        }
        Optional<Duration> limit = timeout == null ? Optional.of(defaultTimeout) : KubeDurations.parse(timeout);
        if (limit.isEmpty() || limit.get().compareTo(maxTimeout) > 0) {
            problems.add(field + "timeout must be a duration such as 5m, at most " + KubeDurations.format(maxTimeout) + ", but is '"
                    + timeout + "'");
        }
        return problems.size() > before ? null : new DrillCheckSpec(image, commandLine, limit.get());
    }
}
