package dev.ferry.export;

import java.net.URI;
import java.util.Objects;

/**
 * A shared access signature URL: a bearer secret. {@link #toString()} keeps only scheme, host and
 * path, so that a SAS that slips into a log line, an exception message or an event stays harmless.
 */
public final class SasUrl {

    private final String url;
    private final String redacted;

    private SasUrl(String url, String redacted) {
        this.url = url;
        this.redacted = redacted;
    }

    /** Wraps a SAS URL; it must be an absolute http(s) URL with a query (the signature). */
    public static SasUrl of(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            // The message of URI's exception quotes the input, which is the secret.
            throw new IllegalArgumentException("not a valid SAS URL", null);
        }
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(java.util.Locale.ROOT).startsWith("http")
                || uri.getHost() == null) {
            throw new IllegalArgumentException("a SAS URL must be an absolute http(s) URL");
        }
        if (uri.getRawQuery() == null || uri.getRawQuery().isEmpty()) {
            throw new IllegalArgumentException("a SAS URL must carry its signature in the query");
        }
        String withoutQuery = uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
        return new SasUrl(url, withoutQuery + "?<redacted>");
    }

    /** The URL with its signature, only for handing to the storage SDK. Never log it. */
    public String unredacted() {
        return url;
    }

    /** The URL without its query: the blob's address, safe to log and to put in events. */
    public String withoutQuery() {
        return redacted.substring(0, redacted.indexOf('?'));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SasUrl that && url.equals(that.url);
    }

    @Override
    public int hashCode() {
        return url.hashCode();
    }

    @Override
    public String toString() {
        return redacted;
    }
}
