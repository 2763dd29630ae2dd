package dev.ferry.export.transfer;

/** Hears how far a copy has got; called from copy threads, at most as often as the engine's report interval. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (done, total) -> { };

    /** {@code bytesDone} of {@code bytesTotal}, counting chunks a previous attempt already copied as done. */
    void progressed(long bytesDone, long bytesTotal);
}
