package dev.ferry.localcloud.azure.storage;

import dev.ferry.localcloud.azure.Faults;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Holds writes to one blob to {@link Faults#blobBandwidth()}, as Azure's per-blob throughput target does. */
final class BlobBandwidth {

    private final Faults faults;
    // Per blob, the System.nanoTime() at which the transfers reserved so far will have finished.
    private final Map<String, Long> busyUntil = new ConcurrentHashMap<>();

    BlobBandwidth(Faults faults) {
        this.faults = faults;
    }

    /** Reserves {@code bytes} of the blob's bandwidth and waits until they would have been moved. */
    void transfer(String blob, long bytes) throws InterruptedException {
        long cap = faults.blobBandwidth();
        if (cap <= 0 || bytes <= 0) {
            return;
        }
        long cost = (long) (bytes * 1_000_000_000.0 / cap);
        long now = System.nanoTime();
        long end = busyUntil.merge(blob, now + cost, (previous, ignored) -> Math.max(previous, now) + cost);
        long wait = end - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    void forget(String blob) {
        busyUntil.remove(blob);
    }
}
