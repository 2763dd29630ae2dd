package dev.ferry.snapshot;

/**
 * The labels and annotations that mark Ferry's VolumeSnapshots. They are the durable truth of
 * every backup: a restarted service finds its runs, and a later backup the previous snapshot of a
 * PVC, by these labels alone.
 */
public final class FerryLabels {

    /** {@code app.kubernetes.io/managed-by=ferry}: every VolumeSnapshot Ferry made. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "ferry";
    /** The backup the snapshot belongs to. */
    public static final String BACKUP_ID = "ferry.dev/backup-id";
    /** The uid of the PVC the snapshot is of: a PVC's snapshot history. */
    public static final String PVC_UID = "ferry.dev/pvc-uid";
    /** The PVC's name, when it fits a label value (63 characters); the annotation always has it. */
    public static final String PVC = "ferry.dev/pvc";
    /** The policy that caused the backup, when it fits a label value; the annotation always has it. */
    public static final String POLICY = "ferry.dev/policy";
    /**
     * Annotation {@code <namespace>/<name>} of the policy whose retention manages the snapshot: what
     * retention matches on, since a policy name alone is not unique across namespaces. A scheduled
     * run names its BackupPolicy; a REST or Kafka request, the requested namespace and its
     * {@code policy} (default {@code manual}, a name no BackupPolicy may have).
     */
    public static final String POLICY_REF = "ferry.dev/policy-ref";

    /** Annotations: what a restarted service needs to rebuild a run. */
    public static final String REQUESTED_AT = "ferry.dev/requested-at";
    public static final String CORRELATION_ID = "ferry.dev/correlation-id";
    public static final String VOLUME_INDEX = "ferry.dev/volume-index";
    public static final String VOLUME_COUNT = "ferry.dev/volume-count";
    public static final String STRATEGY = "ferry.dev/strategy";
    public static final String REQUESTED_BY = "ferry.dev/requested-by";

    /** The longest label value Kubernetes accepts. */
    public static final int MAX_LABEL_VALUE = 63;

    private FerryLabels() {
    }
}
