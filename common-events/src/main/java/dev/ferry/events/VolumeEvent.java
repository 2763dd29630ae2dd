package dev.ferry.events;

/**
 * An event about one volume of a backup: it carries the volume block forward, and is keyed and
 * named by it, so that all events of a volume stay in order on one partition.
 */
public sealed interface VolumeEvent extends FerryEvent permits SnapshotTaken, VhdExported, SnapshotRecreated {

    /** The backup the volume's event belongs to. */
    String backupId();

    VolumeBackup volume();

    @Override
    default String kafkaKey() {
        return volume().volumeKey();
    }

    @Override
    default String subject() {
        return volume().subject();
    }
}
