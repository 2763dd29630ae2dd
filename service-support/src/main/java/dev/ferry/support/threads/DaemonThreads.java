package dev.ferry.support.threads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for a service's own pools: daemon threads, so that a pool never keeps a stopping JVM alive, named by
 * their pool ({@code <prefix>1}, {@code <prefix>2}, ...) so that a thread dump says whose they are.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory numbering its threads from 1; keep one per pool kind to keep the names unique across pools. */
    public static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
