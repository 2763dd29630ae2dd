package dev.ferry.restore;

import java.util.List;

/**
 * Where restores are kept so that they outlive the service: beside the catalog in region B. A restarted service reads them
 * back, answers for the finished ones and finishes the others.
 */
public interface RestoreLedger {

    /** Keeps the restore as it is now; the same restore written again replaces its record. */
    void save(RestoreRecord record);

    /** Every restore kept, in no particular order. */
    List<RestoreRecord> readAll();

    void delete(String restoreId);
}
