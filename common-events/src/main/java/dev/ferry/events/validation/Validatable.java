package dev.ferry.events.validation;

/** A part of an event that checks its own fields and reports what is wrong under the given path. */
public interface Validatable {

    void validate(Violations violations);
}
