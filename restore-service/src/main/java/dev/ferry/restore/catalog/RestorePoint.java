package dev.ferry.restore.catalog;

import dev.ferry.events.RecoveryObjectives;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * All volumes of one backup that reached region B: the application at one instant. It is complete
 * when every one of the backup's {@code volumeCount} volumes is there. Its id is the backup's id.
 *
 * @param volumes the entries, by volume index
 */
public record RestorePoint(String id, String sourceCluster, String namespace, String policy, int volumeCount,
                           List<CatalogEntry> volumes) {

    /** Newest recovery point first. */
    public static final Comparator<RestorePoint> NEWEST_FIRST =
            Comparator.comparing(RestorePoint::recoveryPointAt).reversed().thenComparing(RestorePoint::id);

    public RestorePoint {
        volumes = volumes.stream().sorted(Comparator.comparingInt(e -> e.volume().volumeIndex())).toList();
    }

    /** The restore point that these entries of one backup make. */
    public static RestorePoint of(List<CatalogEntry> entries) {
        CatalogEntry first = entries.get(0);
        int count = entries.stream().mapToInt(e -> e.volume().volumeCount()).max().orElse(0);
        return new RestorePoint(first.backupId(), first.volume().sourceCluster(), first.volume().namespace(),
                first.volume().policy(), count, entries);
    }

    /** Whether every volume of the backup is here. */
    public boolean complete() {
        return missingVolumes().isEmpty();
    }

    /** The indexes of the backup's volumes that have no entry. */
    public List<Integer> missingVolumes() {
        Set<Integer> present = volumes.stream().map(e -> e.volume().volumeIndex()).collect(Collectors.toSet());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < volumeCount; i++) {
            if (!present.contains(i)) {
                missing.add(i);
            }
        }
        return missing;
    }

    /**
     * The recovery point: when the source snapshots were taken. For several volumes the earliest,
     * since no restored volume is older than that.
     */
    public Instant recoveryPointAt() {
        return volumes.stream().map(e -> e.volume().takenAt()).min(Comparator.naturalOrder()).orElseThrow();
    }

    /** The recovery objectives its policy stated when it was taken (the first volume that carries them); null for none. */
    public RecoveryObjectives objectives() {
        return volumes.stream().map(e -> e.volume().objectives()).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** When the last of its volumes reached region B. */
    public Instant recordedAt() {
        return volumes.stream().map(CatalogEntry::recreatedAt).max(Comparator.naturalOrder()).orElseThrow();
    }
}
