package dev.ferry.events;

/**
 * The contract between export-service and import-service about a disk's replica, the page blob the
 * {@code vhd-incremental} transfer keeps per source disk in a region-B staging account (ADR 001):
 * where it lives and what its metadata says. {@code VhdExported} names a replica by its
 * {@link #CONTAINER}; the import reads the {@link #GENERATION} it holds and sets {@link #IMPORTED}.
 */
public final class ReplicaMetadata {

    /** The container of the replicas in a staging account. */
    public static final String CONTAINER = "replicas";
    /** Metadata {@code ferry_kind}: {@link #KIND_REPLICA} on every replica. */
    public static final String KIND = "ferry_kind";
    public static final String KIND_REPLICA = "replica";
    /** Metadata {@code ferry_createdby}: the service that made the blob, {@code export-service}. */
    public static final String CREATED_BY = "ferry_createdby";
    /** Metadata {@code ferry_sourcedisk}: the source disk's ARM id, in lower case. */
    public static final String SOURCE_DISK = "ferry_sourcedisk";
    /** Metadata {@code ferry_generation}: the snapshot (ARM id, lower case) whose data the replica holds entirely. */
    public static final String GENERATION = "ferry_generation";
    /** Metadata {@code ferry_pending}: a snapshot being written into the replica now; absent otherwise. */
    public static final String PENDING = "ferry_pending";
    /** Metadata {@code ferry_imported}: the generation import-service has imported; the next write waits for it. */
    public static final String IMPORTED = "ferry_imported";

    private ReplicaMetadata() {
    }
}
