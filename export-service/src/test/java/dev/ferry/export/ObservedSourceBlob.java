package dev.ferry.export;

import java.util.List;
import java.util.function.IntConsumer;

/** A source blob that tells an observer about every range read through it and how long the read took. */
public record ObservedSourceBlob(SourceBlob delegate, ReadObserver observer) implements SourceBlob {

    /** Hears one completed read. */
    @FunctionalInterface
    public interface ReadObserver {
        void read(long offset, int length, long nanos);
    }

    @Override
    public SasUrl sas() {
        return delegate.sas();
    }

    @Override
    public long length() {
        return delegate.length();
    }

    @Override
    public List<ByteRange> pageRanges(ByteRange within) {
        return delegate.pageRanges(within);
    }

    @Override
    public PageDiff pageDiff(SasUrl previous, ByteRange within) {
        return delegate.pageDiff(previous, within);
    }

    @Override
    public void read(long offset, byte[] buffer, int length) {
        long started = System.nanoTime();
        delegate.read(offset, buffer, length);
        observer.read(offset, length, System.nanoTime() - started);
    }

    @Override
    public void read(long offset, byte[] buffer, int length, IntConsumer filled) {
        long started = System.nanoTime();
        delegate.read(offset, buffer, length, filled);
        observer.read(offset, length, System.nanoTime() - started);
    }
}
