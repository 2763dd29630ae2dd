package dev.ferry.localcloud.azure.compute;

import dev.ferry.localcloud.azure.TokenBucket;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compute's own throttling policies for disk and snapshot writes, counted per subscription for the
 * {@code x-ms-ratelimit-remaining-resource} header Compute adds to its answers, e.g.
 * {@code Microsoft.Compute/CreateUpdateDisks3Min;999,Microsoft.Compute/CreateUpdateDisks30Min;7999}. The fake
 * reports them but does not refuse on them: ARM's subscription budget is the limit it enforces.
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

    private static final int PER_3_MINUTES = 1000;
    private static final int PER_30_MINUTES = 8000;

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    /** Counts one request under {@code policy} and returns the header's value: what is left in each window. */
    String remaining(String subscription, Policy policy) {
        long now = System.nanoTime();
        return window(subscription, policy, "3Min", PER_3_MINUTES, Duration.ofMinutes(3), now) + ","
                + window(subscription, policy, "30Min", PER_30_MINUTES, Duration.ofMinutes(30), now);
    }

    private String window(String subscription, Policy policy, String suffix, int size, Duration refill, long now) {
        String name = "Microsoft.Compute/" + policy.name + suffix;
        TokenBucket bucket = buckets.computeIfAbsent(subscription.toLowerCase(Locale.ROOT) + "/" + name,
                key -> new TokenBucket(size, refill, now));
        return name + ";" + bucket.take(now).remaining();
    }
}
