package dev.ferry.support.azure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pacing from Compute's own throttling windows, which it names on each answer in
 * {@code x-ms-ratelimit-remaining-resource}, e.g.
 * {@code Microsoft.Compute/CreateUpdateDisks3Min;997,Microsoft.Compute/CreateUpdateDisks30Min;7997}: a policy per
 * operation group and window, with what is left of it. Azure does not publish the windows' sizes, so each is taken
 * as one more than the most ever seen left, and its length from the name ({@code 3Min}). Each window is paced like
 * Resource Manager's write bucket ({@link ArmWritePacing}): writes go at once until a fifth of the window is left,
 * then are spaced further apart the less is left, up to twice the window's refill interval when none is. An
 * operation (e.g. {@code snapshots/PUT}) is paced by the windows its answers have named. Thread-safe.
 */
final class ComputeWindowPacing {

    private static final Pattern POLICY = Pattern.compile("\\s*([^;,]+);\\s*(-?\\d+)\\s*");
    private static final Pattern MINUTES = Pattern.compile("(\\d+)Min$");

    private final boolean enabled;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> windowsOfOperation = new ConcurrentHashMap<>();

    /** @param enabled false turns pacing off (the windows are still read, for the metrics) */
    ComputeWindowPacing(boolean enabled) {
        this.enabled = enabled;
    }

    /** Records what an answer to {@code operation} said is left of each window; returns the windows it named. */
    Map<String, Long> heard(String operation, String header) {
        Map<String, Long> named = parse(header);
        named.forEach((name, left) -> {
            windowsOfOperation.computeIfAbsent(operation, o -> ConcurrentHashMap.newKeySet()).add(name);
            windows.computeIfAbsent(name, Window::new).remaining(left);
        });
        return named;
    }

    /** Takes the turn of the next write of {@code operation} in each of its windows: how long it waits first. */
    Duration reserve(String operation, long nowNanos) {
        Set<String> names = windowsOfOperation.get(operation);
        if (!enabled || names == null) {
            return Duration.ZERO;
        }
        Duration wait = Duration.ZERO;
        for (String name : names) {
            Duration own = windows.get(name).reserve(nowNanos);
            if (own.compareTo(wait) > 0) {
                wait = own;
            }
        }
        return wait;
    }

    /** The spacing of one window now, as {@link ArmWritePacing#spacing()} (zero for a window never named). */
    Duration spacing(String window) {
        Window w = windows.get(window);
        return w == null ? Duration.ZERO : w.spacing();
    }

    /** The policies and counts of a header; a part Ferry cannot read is left out. */
    static Map<String, Long> parse(String header) {
        Map<String, Long> named = new LinkedHashMap<>();
        if (header == null) {
            return named;
        }
        for (String part : header.split(",")) {
            Matcher m = POLICY.matcher(part);
            if (m.matches()) {
                named.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        return named;
    }

    /** One window: its size as seen so far, and a pacing sized for it (made again whenever the size grows). */
    private static final class Window {

        private final Duration length;
        private long size;
        private ArmWritePacing pacing;

        Window(String name) {
            Matcher m = MINUTES.matcher(name);
            this.length = m.find() ? Duration.ofMinutes(Long.parseLong(m.group(1))) : null;
        }

        synchronized void remaining(long left) {
            if (length != null && left + 1 > size) {
                size = left + 1;
                long lowWater = Math.max(1, (size + 4) / 5);
                Duration maxSpacing = length.multipliedBy(2).dividedBy(size);
                pacing = new ArmWritePacing((int) Math.min(Integer.MAX_VALUE, lowWater), maxSpacing);
            }
            if (pacing != null) {
                pacing.remaining(left);
            }
        }

        synchronized Duration reserve(long nowNanos) {
            return pacing == null ? Duration.ZERO : pacing.reserve(nowNanos);
        }

        synchronized Duration spacing() {
            return pacing == null ? Duration.ZERO : pacing.spacing();
        }
    }
}
