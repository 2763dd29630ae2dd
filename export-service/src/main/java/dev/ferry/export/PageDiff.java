package dev.ferry.export;

import java.util.List;

/**
 * What changed on a disk between two of its incremental snapshots, as Get Page Ranges with
 * {@code x-ms-previous-snapshot-url} reports it.
 *
 * @param changed ranges written since the previous snapshot (their new data is to copy), in order
 * @param cleared ranges discarded since the previous snapshot (they read as zeros now), in order
 */
public record PageDiff(List<ByteRange> changed, List<ByteRange> cleared) {

    public PageDiff {
        changed = List.copyOf(changed);
        cleared = List.copyOf(cleared);
    }
}
