package dev.ferry.restore.drill;

/** The labels and annotations that mark what a drill created on the DR cluster. */
public final class DrillLabels {

    /** On the scratch namespace and the check Job: the drill's id. (The restored objects carry it as their restore id.) */
    public static final String DRILL_ID = "ferry.dev/drill-id";
    /** On the scratch namespace: the source namespace of the application the drill proves. */
    public static final String SOURCE_NAMESPACE = "ferry.dev/drill-source-namespace";
    /** On the scratch namespace: {@code <source cluster>/<namespace>} (a cluster name may be longer than a label value). */
    public static final String APPLICATION_ANNOTATION = "ferry.dev/drill-application";
    /** Every scratch namespace's name starts so. */
    public static final String SCRATCH_PREFIX = "ferry-drill-";

    private DrillLabels() {
    }
}
