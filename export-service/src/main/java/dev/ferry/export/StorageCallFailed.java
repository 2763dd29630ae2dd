package dev.ferry.export;

import java.time.Duration;
import java.util.Optional;

/**
 * A storage or disk call that failed, as the domain sees it: the HTTP status (0 when no answer came,
 * e.g. a timeout or a broken connection), the service's error code and any Retry-After. The
 * message never carries a URL, so a SAS cannot leak through it.
 */
public final class StorageCallFailed extends RuntimeException {

    private final String operation;
    private final int status;
    private final String errorCode;
    private final Duration retryAfter;

    public StorageCallFailed(String operation, int status, String errorCode, Duration retryAfter, Throwable cause) {
        super(operation + " failed: " + (status == 0 ? "no answer" : "HTTP " + status)
                + (errorCode == null ? "" : " " + errorCode), cause);
        this.operation = operation;
        this.status = status;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    /** The call that failed, e.g. {@code "Put Page"}. */
    public String operation() {
        return operation;
    }

    public int status() {
        return status;
    }

    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** The wait the service asked for before a retry. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether another attempt may succeed: throttling, server errors, timeouts and lost connections. */
    public boolean isTransient() {
        return status == 0 || status == 408 || status == 429 || status == 500 || status == 502 || status == 503
                || status == 504;
    }
}
