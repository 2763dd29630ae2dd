package dev.ferry.export;

import dev.ferry.events.TransferStrategy;
import dev.ferry.export.transfer.Cancellation;
import dev.ferry.export.transfer.ProgressListener;

/**
 * One way of moving a snapshot's data to region B, chosen by the event's transfer strategy:
 * {@code vhd-full} today ({@link VhdExporter}); {@code vhd-incremental} (a replica page blob fed
 * from the managed-disk page diff) and {@code copy-start} (Azure's own cross-region copy) are
 * further implementations of this interface, beside it rather than inside it.
 */
public interface ExportStep {

    TransferStrategy strategy();

    /**
     * Runs the step to its end. Idempotent: a second run for the same request finishes or skips
     * what the first did. Every SAS it grants is revoked before it returns or throws.
     */
    ExportOutcome export(ExportRequest request, ProgressListener progress, Cancellation cancellation);
}
