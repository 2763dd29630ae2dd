package dev.ferry.localcloud.azure;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Resource Manager's subscription limits: a token bucket per subscription for each of reads, writes and deletes, the
 * remaining count on every answer ({@code x-ms-ratelimit-remaining-subscription-reads} and so on), and 429
 * {@code SubscriptionRequestsThrottled} with {@code Retry-After} once a bucket is empty.
 */
final class ArmThrottle {

    /** The kinds of request ARM counts apart, each with its own bucket and header. */
    enum Kind {
        READ("read", "reads"), WRITE("write", "writes"), DELETE("delete", "deletes");

        private final String word;
        private final String header;

        Kind(String word, String plural) {
            this.word = word;
            this.header = "x-ms-ratelimit-remaining-subscription-" + plural;
        }

        /** GET and HEAD read, DELETE deletes, every other method writes. */
        static Kind of(String method) {
            return switch (method) {
                case "GET", "HEAD" -> READ;
                case "DELETE" -> DELETE;
                default -> WRITE;
            };
        }
    }

    /** How many requests of a kind a subscription may make: a bucket of {@code requests}, refilled over {@code window}. */
    record Budget(int requests, Duration window) {
        Budget {
            if (requests <= 0 || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("a budget needs a positive number of requests and window, not "
                        + requests + " per " + window);
            }
        }
    }

    /**
     * A thousand times Azure's own buckets (250 reads refilled at 25 a second, 200 writes or deletes at 10 a second),
     * with the same refill time: the remaining counts are real, but no test is throttled unless it asks to be.
     */
    static final Map<Kind, Budget> DEFAULTS = Map.of(
            Kind.READ, new Budget(250_000, Duration.ofSeconds(10)),
            Kind.WRITE, new Budget(200_000, Duration.ofSeconds(20)),
            Kind.DELETE, new Budget(200_000, Duration.ofSeconds(20)));

    private final Map<Kind, Budget> budgets = new ConcurrentHashMap<>(DEFAULTS);
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    ArmThrottle(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Sets the budget of one kind for every subscription; every bucket of that kind starts full again. */
    void budget(Kind kind, Budget budget) {
        budgets.put(kind, budget);
        buckets.keySet().removeIf(key -> key.startsWith(kind.name() + "/"));
    }

    /**
     * Counts a request to {@code subscription} and names what is left in its bucket on the answer. Returns false
     * when the bucket was empty and the request has been answered 429.
     */
    boolean admit(Exchange exchange, String subscription) throws IOException {
        Kind kind = Kind.of(exchange.method());
        TokenBucket.Take take = bucket(kind, subscription).take(nanoTime.getAsLong());
        exchange.header(kind.header, Integer.toString(take.remaining()));
        if (take.granted()) {
            return true;
        }
        long seconds = Math.max(1, (take.untilNextToken().toMillis() + 999) / 1000);
        exchange.header("Retry-After", Long.toString(seconds));
        exchange.sendArmError(429, "SubscriptionRequestsThrottled", "Number of '" + kind.word
                + "' requests for subscription '" + subscription + "' exceeded. Please try again after '" + seconds
                + "' seconds after additional tokens are available.");
        return false;
    }

    private TokenBucket bucket(Kind kind, String subscription) {
        String key = kind.name() + "/" + subscription.toLowerCase(Locale.ROOT);
        return buckets.computeIfAbsent(key, k -> {
            Budget budget = budgets.get(kind);
            return new TokenBucket(budget.requests(), budget.window(), nanoTime.getAsLong());
        });
    }
}
