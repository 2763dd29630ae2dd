package dev.ferry.export;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A page blob in memory, usable as a source or a staging blob in unit tests: sparse (written
 * 512-byte pages only), counting reads and writes, with failures queued per operation.
 */
public final class InMemoryPageBlob implements SourceBlob, StagingBlob {

    private final SasUrl sas;
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private final Map<String, Deque<RuntimeException>> failures = new java.util.HashMap<>();
    private long length;
    private boolean exists;
    public final AtomicLong bytesRead = new AtomicLong();
    public final AtomicLong bytesPut = new AtomicLong();
    public final AtomicInteger inFlight = new AtomicInteger();
    public final AtomicInteger maxInFlight = new AtomicInteger();
    public final List<ByteRange> putRanges = java.util.Collections.synchronizedList(new ArrayList<>());

    public InMemoryPageBlob(String url, long length, boolean exists) {
        this.sas = SasUrl.of(url + "?sig=secret");
        this.length = length;
        this.exists = exists;
    }

    /** The next {@code times} calls of {@code operation} ("read", "put", "putFromUrl", "ranges") throw {@code failure}. */
    public synchronized InMemoryPageBlob failNext(String operation, RuntimeException failure, int times) {
        Deque<RuntimeException> queue = failures.computeIfAbsent(operation, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(failure);
        }
        return this;
    }

    /** Forgets the failures still queued. */
    public synchronized void clearFailures() {
        failures.clear();
    }

    private void maybeFail(String operation) {
        RuntimeException failure;
        synchronized (this) {
            Deque<RuntimeException> queue = failures.get(operation);
            failure = queue == null ? null : queue.poll();
        }
        if (failure != null) {
            throw failure;
        }
    }

    public synchronized void write(long offset, byte[] data) {
        for (int i = 0; i < data.length; i += 512) {
            byte[] page = new byte[512];
            System.arraycopy(data, i, page, 0, Math.min(512, data.length - i));
            pages.put(offset + i, page);
        }
    }

    synchronized byte[] bytes(long offset, int count) {
        byte[] out = new byte[count];
        for (long p = offset - offset % 512; p < offset + count; p += 512) {
            byte[] page = pages.get(p);
            if (page != null) {
                for (int i = 0; i < 512; i++) {
                    long at = p + i;
                    if (at >= offset && at < offset + count) {
                        out[(int) (at - offset)] = page[i];
                    }
                }
            }
        }
        return out;
    }

    @Override
    public SasUrl sas() {
        return sas;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public synchronized List<ByteRange> pageRanges(ByteRange within) {
        maybeFail("ranges");
        List<ByteRange> ranges = new ArrayList<>();
        for (long page : pages.subMap(within.start(), within.end()).keySet()) {
            int last = ranges.size() - 1;
            if (last >= 0 && ranges.get(last).end() == page) {
                ranges.set(last, new ByteRange(ranges.get(last).start(), page + 512));
            } else {
                ranges.add(new ByteRange(page, page + 512));
            }
        }
        return ranges;
    }

    @Override
    public List<ByteRange> pageRanges() {
        return pageRanges(new ByteRange(0, length));
    }

    @Override
    public void read(long offset, byte[] buffer, int count) {
        enter();
        try {
            maybeFail("read");
            System.arraycopy(bytes(offset, count), 0, buffer, 0, count);
            bytesRead.addAndGet(count);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void enter() {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    @Override
    public String url() {
        return sas.withoutQuery();
    }

    @Override
    public synchronized Creation createIfAbsent(long size, Map<String, String> tags) {
        if (exists) {
            return Creation.REUSED;
        }
        exists = true;
        length = size;
        return Creation.CREATED;
    }

    @Override
    public void putPages(long offset, byte[] data, int count) {
        enter();
        try {
            maybeFail("put");
            byte[] copy = java.util.Arrays.copyOf(data, count);
            write(offset, copy);
            bytesPut.addAndGet(count);
            putRanges.add(ByteRange.ofLength(offset, count));
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The source of every Put Page From URL; tests set it. */
    public InMemoryPageBlob urlSource;

    @Override
    public void putPagesFromUrl(ByteRange range, SasUrl source) {
        enter();
        try {
            maybeFail("putFromUrl");
            byte[] data = urlSource.bytes(range.start(), (int) range.length());
            write(range.start(), data);
            bytesPut.addAndGet(range.length());
            putRanges.add(range);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public byte[] read(long offset, int count) {
        return bytes(offset, count);
    }

    @Override
    public synchronized boolean delete() {
        boolean existed = exists;
        exists = false;
        pages.clear();
        return existed;
    }

    private Map<String, String> metadata = Map.of();

    @Override
    public synchronized java.util.Optional<Properties> properties() {
        return exists ? java.util.Optional.of(new Properties(length, metadata)) : java.util.Optional.empty();
    }

    @Override
    public synchronized void setMetadata(Map<String, String> metadata) {
        this.metadata = Map.copyOf(metadata);
    }

    @Override
    public synchronized void clearPages(ByteRange range) {
        pages.subMap(range.start(), range.end()).clear();
    }

    @Override
    public PageDiff pageDiff(SasUrl previous, ByteRange within) {
        throw new UnsupportedOperationException("an in-memory blob has no earlier snapshots to diff against");
    }
}
