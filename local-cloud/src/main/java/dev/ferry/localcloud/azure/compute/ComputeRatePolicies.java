package dev.ferry.localcloud.azure.compute;

import dev.ferry.localcloud.azure.TokenBucket;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compute's own throttling policies for disk and snapshot writes, counted per subscription for the
 * {@code x-ms-ratelimit-remaining-resource} header Compute adds to its answers, e.g.
 * {@code Microsoft.Compute/CreateUpdateDisks3Min;999,Microsoft.Compute/CreateUpdateDisks30Min;7999}. By default the
 * fake reports them but does not refuse on them (Azure does not publish their sizes, so ARM's subscription budget is
 * the limit it enforces); once a test sets {@link #limit sizes}, a request to an empty window is refused, as Compute
 * refuses it: 429 {@code OperationNotAllowed} naming the policy, with {@code Retry-After}.
 */
final class ComputeRatePolicies {

    /** A policy family: one bucket over 3 minutes and one over 30, with the sizes Azure has been seen to report. */
    enum Policy {
        /** PUT of a disk or snapshot. */
        CREATE_UPDATE_DISKS("CreateUpdateDisks"),
        /** DELETE of a disk or snapshot (Compute counts a snapshot's delete under the disks' policy too). */
        DELETE_DISKS("DeleteDisks");

        private final String name;

        Policy(String name) {
            this.name = name;
        }
    }

    /**
     * What counting one request found: the header's value (what is left in each window) and, when a window was empty
     * and sizes are enforced, the policy that refuses it and when its next token comes.
     */
    record Count(String header, String refusedBy, Duration retryAfter) {
    }

    private static final int PER_3_MINUTES = 1000;
    private static final int PER_30_MINUTES = 8000;

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private volatile int per3Minutes = PER_3_MINUTES;
    private volatile int per30Minutes = PER_30_MINUTES;
    private volatile boolean enforced;

    /** Sets the size of every policy's two windows and refuses requests to an empty one; every bucket starts full. */
    void limit(int per3Minutes, int per30Minutes) {
        if (per3Minutes <= 0 || per30Minutes <= 0) {
            throw new IllegalArgumentException("window sizes must be positive, not " + per3Minutes + " and " + per30Minutes);
        }
        this.per3Minutes = per3Minutes;
        this.per30Minutes = per30Minutes;
        this.enforced = true;
        buckets.clear();
    }

    /** Back to the default: Azure's sizes as seen, reported and never refused on; every bucket starts full. */
    void reportOnly() {
        this.per3Minutes = PER_3_MINUTES;
        this.per30Minutes = PER_30_MINUTES;
        this.enforced = false;
        buckets.clear();
    }

    /** Counts one request under {@code policy}. */
    Count count(String subscription, Policy policy) {
        long now = System.nanoTime();
        Window shortWindow = window(subscription, policy, "3Min", per3Minutes, Duration.ofMinutes(3), now);
        Window longWindow = window(subscription, policy, "30Min", per30Minutes, Duration.ofMinutes(30), now);
        String header = shortWindow.header() + "," + longWindow.header();
        Window refusing = !enforced ? null : !shortWindow.take().granted() ? shortWindow
                : !longWindow.take().granted() ? longWindow : null;
        return refusing == null ? new Count(header, null, Duration.ZERO)
                : new Count(header, refusing.name(), refusing.take().untilNextToken());
    }

    private record Window(String name, TokenBucket.Take take) {
        String header() {
            return name + ";" + take.remaining();
        }
    }

    private Window window(String subscription, Policy policy, String suffix, int size, Duration refill, long now) {
        String name = "Microsoft.Compute/" + policy.name + suffix;
        TokenBucket bucket = buckets.computeIfAbsent(subscription.toLowerCase(Locale.ROOT) + "/" + name,
                key -> new TokenBucket(size, refill, now));
        return new Window(name, bucket.take(now));
    }
}
