package dev.ferry.snapshot.api;

import java.util.List;

/** A REST-level problem that is not a rejected backup: an unknown backup id, a malformed body. */
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

    Problem problem(String instance) {
        return new Problem(Problem.TYPE_BASE + slug, title, status, getMessage(), instance, errors);
    }
}
