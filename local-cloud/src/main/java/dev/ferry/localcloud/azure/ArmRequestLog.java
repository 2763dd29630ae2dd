package dev.ferry.localcloud.azure;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last Resource Manager requests the fake answered, oldest first: when each arrived, what it asked and how it
 * was answered, so that a test can see how a client paced itself (e.g. that it waited out a {@code Retry-After}).
 */
public final class ArmRequestLog {

    /** How many requests the log keeps; older ones drop out, so a long local run does not grow without end. */
    static final int CAPACITY = 10_000;

    /** One answered request; {@code retryAfter} is the answer's {@code Retry-After} header, or null. */
    public record ArmRequest(Instant arrived, String method, String path, int status, String retryAfter) {
    }

    private final Deque<ArmRequest> requests = new ArrayDeque<>();
    private final Clock clock;

    ArmRequestLog(Clock clock) {
        this.clock = clock;
    }

    /** The instant a request arrives, to be passed to {@link #record} as it is answered. */
    Instant arrival() {
        return clock.instant();
    }

    /** Keeps a request as its answer goes out, so that a client holding the answer finds the request logged. */
    synchronized void record(Instant arrived, Exchange exchange) {
        if (requests.size() == CAPACITY) {
            requests.removeFirst();
        }
        requests.addLast(new ArmRequest(arrived, exchange.method(), exchange.path(), exchange.status(),
                exchange.responseHeader("Retry-After")));
    }

    /** The requests kept, oldest first. */
    public synchronized List<ArmRequest> requests() {
        return List.copyOf(requests);
    }
}
