package dev.ferry.localcloud.azure;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Faults to inject into the fakes, per kind of operation: Azure's throttling (429 with
 * Retry-After), server errors (500, 503 ServerBusy), added latency, a bandwidth cap per blob and
 * a cap on SAS lifetimes. Off by default; each injected fault answers a given number of requests.
 */
public final class Faults {

    /** The kinds of operation a fault can hit. */
    public enum Kind {
        TOKEN, ARM_READ, ARM_WRITE, GRANT_ACCESS, SAS_READ, PAGE_RANGES, PUT_PAGE, PUT_PAGE_FROM_URL, COPY_BLOB
    }

    /** One fault: a status and error code to answer with (0 for none), and a delay before answering. */
    public record Fault(int status, String code, Duration retryAfter, Duration latency) {

        /** 429 TooManyRequests with a Retry-After, as ARM and storage throttle. */
        public static Fault throttle(Duration retryAfter) {
            return new Fault(429, "TooManyRequests", retryAfter, Duration.ZERO);
        }

        public static Fault internalError() {
            return new Fault(500, "InternalServerError", null, Duration.ZERO);
        }

        /** 503 ServerBusy, as storage answers when an account or blob is over its targets. */
        public static Fault serverBusy(Duration retryAfter) {
            return new Fault(503, "ServerBusy", retryAfter, Duration.ZERO);
        }

        /** No error, only a slower answer. */
        public static Fault latency(Duration latency) {
            return new Fault(0, null, null, latency);
        }

        public boolean failsRequest() {
            return status != 0;
        }
    }

    private final Map<Kind, Deque<Fault>> pending = new EnumMap<>(Kind.class);
    private final Deque<Integer> readCuts = new ArrayDeque<>();
    private final Map<Kind, Integer> served = new EnumMap<>(Kind.class);
    private volatile long blobBytesPerSecond;
    private volatile Duration maxSasLifetime;

    /** The next {@code times} requests of {@code kind} meet {@code fault}. */
    public synchronized Faults inject(Kind kind, Fault fault, int times) {
        Deque<Fault> queue = pending.computeIfAbsent(kind, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(fault);
        }
        return this;
    }

    /** Takes the fault that the next request of {@code kind} meets, if any. */
    public synchronized Optional<Fault> next(Kind kind) {
        Deque<Fault> queue = pending.get(kind);
        Fault fault = queue == null ? null : queue.poll();
        if (fault != null) {
            served.merge(kind, 1, Integer::sum);
        }
        return Optional.ofNullable(fault);
    }

    /** How many injected faults of {@code kind} requests have met so far. */
    /**
     * The next {@code times} SAS reads longer than {@code afterBytes} send only their first
     * {@code afterBytes} bytes, then drop the connection.
     */
    public synchronized Faults cutReads(int afterBytes, int times) {
        for (int i = 0; i < times; i++) {
            readCuts.add(afterBytes);
        }
        return this;
    }

    /** For a SAS read of {@code length} bytes: how many to send before the connection drops, if a cut applies. */
    public synchronized java.util.OptionalInt nextReadCut(int length) {
        Integer cut = readCuts.peek();
        if (cut == null || cut >= length) {
            return java.util.OptionalInt.empty();
        }
        readCuts.poll();
        served.merge(Kind.SAS_READ, 1, Integer::sum);
        return java.util.OptionalInt.of(cut);
    }

    public synchronized int served(Kind kind) {
        return served.getOrDefault(kind, 0);
    }

    /** Caps reads and writes of one blob (0 for no cap), as Azure's per-blob throughput target does. */
    public Faults blobBandwidth(long bytesPerSecond) {
        this.blobBytesPerSecond = bytesPerSecond;
        return this;
    }

    public long blobBandwidth() {
        return blobBytesPerSecond;
    }

    /** Makes every SAS granted from now on expire after at most {@code lifetime} (null for no cap). */
    public Faults maxSasLifetime(Duration lifetime) {
        this.maxSasLifetime = lifetime;
        return this;
    }

    public Duration sasLifetime(Duration requested) {
        Duration cap = maxSasLifetime;
        return cap != null && cap.compareTo(requested) < 0 ? cap : requested;
    }

    /**
     * Applies faults written as configuration, e.g. for the local cloud as a process:
     * {@code ARM_WRITE=throttle:1s*3; SAS_READ=busy:2s*2; PUT_PAGE_FROM_URL=error*1; PAGE_RANGES=latency:200ms*10;
     * blob-bandwidth=62914560; max-sas-lifetime=30s}. Entries are separated by {@code ;}; a fault is
     * {@code throttle:<retry-after>} (429), {@code busy:<retry-after>} (503 ServerBusy), {@code error} (500) or
     * {@code latency:<delay>}, followed by {@code *<times>}.
     *
     * @throws IllegalArgumentException naming the entry that is not understood
     */
    public Faults configure(String spec) {
        if (spec == null || spec.isBlank()) {
            return this;
        }
        for (String raw : spec.split(";")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("fault entry '" + entry + "' is not of the form NAME=VALUE");
            }
            String name = entry.substring(0, eq).trim();
            String value = entry.substring(eq + 1).trim();
            switch (name) {
                case "blob-bandwidth" -> blobBandwidth(Long.parseLong(value));
                case "max-sas-lifetime" -> maxSasLifetime(duration(value, entry));
                default -> {
                    Kind kind;
                    try {
                        kind = Kind.valueOf(name);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("fault entry '" + entry + "' names no kind of " + java.util.Arrays.toString(Kind.values()));
                    }
                    int star = value.lastIndexOf('*');
                    if (star < 0) {
                        throw new IllegalArgumentException("fault entry '" + entry + "' lacks *<times>");
                    }
                    int times = Integer.parseInt(value.substring(star + 1).trim());
                    String fault = value.substring(0, star).trim();
                    String argument = fault.contains(":") ? fault.substring(fault.indexOf(':') + 1) : null;
                    inject(kind, switch (fault.contains(":") ? fault.substring(0, fault.indexOf(':')) : fault) {
                        case "throttle" -> Fault.throttle(duration(argument, entry));
                        case "busy" -> Fault.serverBusy(duration(argument, entry));
                        case "error" -> Fault.internalError();
                        case "latency" -> Fault.latency(duration(argument, entry));
                        default -> throw new IllegalArgumentException("fault entry '" + entry
                                + "' is none of throttle:<d>, busy:<d>, error, latency:<d>");
                    }, times);
                }
            }
        }
        return this;
    }

    /** A duration written as {@code 200ms}, {@code 2s} or {@code 1m}. */
    private static Duration duration(String text, String entry) {
        if (text == null) {
            throw new IllegalArgumentException("fault entry '" + entry + "' needs a duration such as 2s");
        }
        String t = text.trim();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("fault entry '" + entry + "' has no duration such as 200ms, 2s or 1m: '" + t + "'");
    }

    /** Removes every injected fault and cap. */
    public synchronized void clear() {
        readCuts.clear();
        pending.clear();
        blobBytesPerSecond = 0;
        maxSasLifetime = null;
    }

    /**
     * Applies the next fault of {@code kind} to a request: waits its latency and, if it fails the
     * request, answers it with Azure's error. Returns whether the request was answered.
     */
    public boolean apply(Kind kind, Exchange exchange, boolean armStyle) throws java.io.IOException {
        Optional<Fault> next = next(kind);
        return next.isPresent() && answer(next.get(), exchange, armStyle);
    }

    /** Waits for {@code fault}'s latency and answers with its error, if it has one; true if it answered. */
    public boolean answer(Fault fault, Exchange exchange, boolean armStyle) throws java.io.IOException {
        if (!fault.latency().isZero()) {
            try {
                Thread.sleep(fault.latency().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!fault.failsRequest()) {
            return false;
        }
        if (fault.retryAfter() != null) {
            exchange.header("Retry-After", Long.toString(Math.max(1, fault.retryAfter().toSeconds())));
        }
        String message = "Injected fault: " + fault.code();
        if (armStyle) {
            exchange.sendArmError(fault.status(), fault.code(), message);
        } else {
            exchange.header("x-ms-error-code", fault.code());
            exchange.send(fault.status(), "application/xml",
                    ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + fault.code() + "</Code><Message>"
                            + message + "</Message></Error>").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return true;
    }
}
