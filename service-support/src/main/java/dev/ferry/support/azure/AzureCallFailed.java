package dev.ferry.support.azure;

import com.azure.core.management.exception.ManagementException;

/**
 * An Azure call that failed, in domain terms: Azure's error code and message, the HTTP status,
 * and whether trying again later may succeed (throttling, server errors) or never will (bad input).
 */
public final class AzureCallFailed extends RuntimeException {

    private final String code;
    private final int status;
    private final boolean alwaysRetryable;

    public AzureCallFailed(String code, int status, String message, Throwable cause) {
        this(code, status, message, cause, false);
    }

    private AzureCallFailed(String code, int status, String message, Throwable cause, boolean alwaysRetryable) {
        super(message, cause);
        this.code = code;
        this.status = status;
        this.alwaysRetryable = alwaysRetryable;
    }

    /**
     * A failure the whole step should be tried again after, whatever its status: for a step that has already
     * retried its own calls and whose next attempt re-reads what changed (a resumed copy, say).
     */
    public static AzureCallFailed worthAnotherAttempt(String code, int status, String message, Throwable cause) {
        return new AzureCallFailed(code, status, message, cause, true);
    }

    /** Azure Resource Manager's answer in domain terms: its error code, message and HTTP status. */
    public static AzureCallFailed of(ManagementException e) {
        String code = e.getValue() != null && e.getValue().getCode() != null ? e.getValue().getCode() : "AzureError";
        String message = e.getValue() != null && e.getValue().getMessage() != null ? e.getValue().getMessage() : e.getMessage();
        int status = e.getResponse() != null ? e.getResponse().getStatusCode() : 0;
        return new AzureCallFailed(code, status, message, e);
    }

    public String code() {
        return code;
    }

    /** The HTTP status, or 0 when Azure could not be reached at all. */
    public int status() {
        return status;
    }

    /** Unreachable, throttled, timed out or a server error: another attempt may succeed. */
    public boolean retryable() {
        return alwaysRetryable || status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
