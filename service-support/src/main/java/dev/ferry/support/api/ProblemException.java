package dev.ferry.support.api;

import java.util.List;

/**
 * A REST-level problem that is not a refused request: an unknown id, a malformed parameter. Thrown
 * by a resource, answered by {@link ProblemMappers}.
 */
public final class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final List<String> errors;

    public ProblemException(int status, String slug, String title, String detail, List<String> errors) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public ProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of());
    }

    /** The problem, answering the request for {@code instance}. */
    public Problem problem(String instance) {
        return Problem.of(slug, title, status, getMessage(), instance, errors);
    }
}
