package dev.ferry.events.validation;

/** One broken rule of an event: the field's path (e.g. {@code volume.pvc.name}) and what is wrong with it. */
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
