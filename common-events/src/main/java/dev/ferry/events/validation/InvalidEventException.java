package dev.ferry.events.validation;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when an event cannot be parsed or breaks the contract; names every offending field. */
public final class InvalidEventException extends RuntimeException {

    private final String eventType;
    private final List<Violation> violations;

    public InvalidEventException(String eventType, List<Violation> violations) {
        super("invalid " + eventType + ": "
                + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.eventType = eventType;
        this.violations = List.copyOf(violations);
    }

    public String eventType() {
        return eventType;
    }

    public List<Violation> violations() {
        return violations;
    }

    /** The paths of the offending fields, in the order found. */
    public List<String> fields() {
        return violations.stream().map(Violation::field).toList();
    }
}
