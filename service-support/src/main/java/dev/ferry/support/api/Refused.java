package dev.ferry.support.api;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A request a service will not carry out as asked, and nothing was created for it: one kind of
 * exception for every service's refusals (a backup, a restore). Over REST it becomes problem+json
 * with its reason's status; from Kafka a {@code step.failed} with its {@link #code()}.
 */
public abstract class Refused extends RuntimeException {

    /** Why, as a stable name: each service's refusal reasons are an enum implementing this. */
    public interface Reason {

        /** The enum constant's name, e.g. {@code NAMESPACE_NOT_FOUND}. */
        String name();

        /** The HTTP status of the answer. */
        int status();

        /** The problem's title: what is wrong, in a few words. */
        String title();

        /** The problem type's slug, e.g. {@code namespace-not-found}. */
        default String slug() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;
    private final List<String> details;
    private final Duration retryAfter;

    protected Refused(Reason reason, String message, List<String> details) {
        this(reason, message, details, null);
    }

    /**
     * A refusal that the same request will not get once {@code retryAfter} has passed (a rate limit):
     * REST answers with a {@code Retry-After} header of that many seconds, rounded up.
     */
    protected Refused(Reason reason, String message, List<String> details, Duration retryAfter) {
        super(message);
        this.reason = reason;
        this.details = List.copyOf(details);
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** Each thing that is wrong, e.g. one line per invalid field or per skipped PVC. */
    public List<String> details() {
        return details;
    }

    /** How long until the same request may succeed, when only time stands in its way; empty otherwise. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The reason in the error-code style of {@code step.failed}, e.g. {@code NamespaceNotFound}. */
    public String code() {
        StringBuilder code = new StringBuilder();
        for (String word : reason.name().split("_")) {
            code.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return code.toString();
    }

    /** The problem, answering the request for {@code instance}. */
    public Problem problem(String instance) {
        return Problem.of(reason.slug(), reason.title(), reason.status(), getMessage(), instance, details);
    }
}
