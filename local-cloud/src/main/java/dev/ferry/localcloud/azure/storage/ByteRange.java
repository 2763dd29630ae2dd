package dev.ferry.localcloud.azure.storage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An inclusive byte range as page-blob headers carry it ({@code bytes=start-end}). */
record ByteRange(long start, long end) {

    static final long PAGE = 512;
    private static final Pattern BYTES = Pattern.compile("\\s*bytes=(\\d+)-(\\d+)\\s*");

    /** Parses a header value; the range must be page-aligned, as every page write requires. */
    static ByteRange parsePages(String header, String value) throws StorageError {
        if (value == null) {
            throw new StorageError(400, "MissingRequiredHeader",
                    "An HTTP header that's mandatory for this request is not specified. Header: " + header);
        }
        Matcher m = BYTES.matcher(value);
        if (!m.matches()) {
            throw StorageError.invalidHeader(header, "Expected bytes=start-end.");
        }
        ByteRange range;
        try {
            range = new ByteRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        } catch (NumberFormatException e) {
            throw StorageError.invalidHeader(header, "The offsets are too large.");
        }
        if (range.end < range.start) {
            throw StorageError.invalidHeader(header, "The end is before the start.");
        }
        if (range.start % PAGE != 0 || (range.end + 1) % PAGE != 0) {
            throw new StorageError(400, "InvalidPageRange",
                    "The page range specified is invalid: " + header + " must start and end on 512-byte page boundaries.");
        }
        return range;
    }

    long length() {
        return end - start + 1;
    }

    String header() {
        return "bytes=" + start + "-" + end;
    }
}
