package dev.ferry.localcloud.azure.storage;

import dev.ferry.localcloud.azure.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A storage-style error answer ({@code <Error><Code/><Message/></Error>} and {@code x-ms-error-code}), thrown to end a request. */
final class StorageError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    StorageError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static StorageError invalidHeader(String header, String why) {
        return new StorageError(400, "InvalidHeaderValue",
                "The value for one of the HTTP headers is not in the correct format. Header: " + header + ". " + why);
    }

    /** The message must never carry a SAS: callers build it from redacted URLs only. */
    void send(Exchange exchange) throws IOException {
        exchange.header("x-ms-error-code", code);
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + xml(code) + "</Code><Message>"
                + xml(getMessage()) + "</Message></Error>";
        exchange.send(status, "application/xml", body.getBytes(StandardCharsets.UTF_8));
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
