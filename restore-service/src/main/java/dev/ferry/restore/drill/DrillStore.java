package dev.ferry.restore.drill;

import java.util.List;

/** Where finished drills are kept: beside the restore-point catalog in region B, so that they outlive the service and region A. */
public interface DrillStore {

    /** Keeps a finished drill; the same drill written again replaces its record. */
    void save(DrillRecord record);

    /** Every drill kept, in no particular order. */
    List<DrillRecord> readAll();

    void delete(DrillRecord record);
}
