package dev.ferry.export.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import dev.ferry.export.StorageCallFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the Azure SDK throws into {@link StorageCallFailed}: the status, the error code and
 * Retry-After of an error answer, or status 0 for a timeout or a lost connection. Only these
 * fields are kept; the SDK's own message is dropped, as it may quote the request.
 */
final class AzureStorageFailures {

    private AzureStorageFailures() {
    }

    /** The domain's view of {@code e}, or {@code e} itself when it is not a failed call (a bug, not weather). */
    static RuntimeException translate(String operation, RuntimeException e) {
        if (e instanceof BlobStorageException storage) {
            return new StorageCallFailed(operation, storage.getStatusCode(),
                    storage.getErrorCode() == null ? null : storage.getErrorCode().toString(),
                    retryAfter(storage.getResponse()), null);
        }
        if (e instanceof HttpResponseException http && http.getResponse() != null) {
            return new StorageCallFailed(operation, http.getResponse().getStatusCode(),
                    http.getResponse().getHeaderValue("x-ms-error-code"), retryAfter(http.getResponse()), null);
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof IOException || cause instanceof UncheckedIOException) {
                return new StorageCallFailed(operation, 0, cause.getClass().getSimpleName(), null, null);
            }
        }
        return e;
    }

    /** Retry-After in seconds or as an HTTP date, or the millisecond variants Azure also sends. */
    static Duration retryAfter(HttpResponse response) {
        if (response == null) {
            return null;
        }
        for (String header : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
            String value = response.getHeaderValue(header);
            if (value != null) {
                try {
                    return Duration.ofMillis(Long.parseLong(value.trim()));
                } catch (NumberFormatException ignored) {
                    // fall through to the next form
                }
            }
        }
        String value = response.getHeaderValue("Retry-After");
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
