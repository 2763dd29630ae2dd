package dev.ferry.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where the time from a backup's request to its last volume's snapshot in region B went. Each moment
 * counts once, in the first of these that applies: snapshot (until the last source snapshot was
 * taken), export (some volume's export was running), import (some volume's import was running),
 * between (no step of any volume was running: events in Kafka, consumers picking them up).
 */
record LagSplit(Duration total, Duration snapshot, Duration export, Duration imports, Duration between) {

    /** The time one step of one volume took. */
    record Span(Instant start, Instant end) {
    }

    static LagSplit of(Instant requested, Instant snapshotsTaken, List<Span> exports, List<Span> imports, Instant end) {
        Instant afterSnapshots = latest(requested, earliest(snapshotsTaken, end));
        Duration exporting = covered(exports, afterSnapshots, end);
        List<Span> either = new ArrayList<>(exports);
        either.addAll(imports);
        Duration stepping = covered(either, afterSnapshots, end);
        return new LagSplit(Duration.between(requested, latest(requested, end)), Duration.between(requested, afterSnapshots),
                exporting, stepping.minus(exporting), Duration.between(afterSnapshots, latest(afterSnapshots, end)).minus(stepping));
    }

    /** How much of {@code [from, to)} the spans cover together. */
    private static Duration covered(List<Span> spans, Instant from, Instant to) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparing(Span::start));
        Duration covered = Duration.ZERO;
        Instant reached = from;
        for (Span span : sorted) {
            Instant start = latest(span.start(), reached);
            Instant stop = earliest(span.end(), to);
            if (stop.isAfter(start)) {
                covered = covered.plus(Duration.between(start, stop));
                reached = stop;
            }
        }
        return covered;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
