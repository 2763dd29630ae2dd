package dev.ferry.export;

import dev.ferry.events.TransferStrategy;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ProgressListener;

/**
 * One way of moving a snapshot's data into a page blob in region B, chosen by the event's transfer
 * strategy: {@code vhd-full} ({@link VhdExporter}) and {@code vhd-incremental}
 * ({@link IncrementalExporter}, a replica fed from the managed-disk page diff). {@code copy-start}
 * moves no bytes through Ferry and ends in a region-B snapshot, not a blob: it is
 * {@code copystart.CopyStartTransfer}, beside these steps.
 */
public interface ExportStep {

    TransferStrategy strategy();

    /**
     * Runs the step to its end. Idempotent: a second run for the same request finishes or skips
     * what the first did. Every SAS it grants is revoked before it returns or throws.
     */
    ExportOutcome export(ExportRequest request, ProgressListener progress, Cancellation cancellation);
}
