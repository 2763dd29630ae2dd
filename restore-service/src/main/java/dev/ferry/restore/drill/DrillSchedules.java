package dev.ferry.restore.drill;

import java.util.List;

/** The DrillSchedules of the DR cluster. */
public interface DrillSchedules {

    /** Every schedule, valid or not; empty while the DrillSchedule resource type is not served (CRD not installed). */
    List<DrillSchedule> list();
}
