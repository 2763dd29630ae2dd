package dev.ferry.export.transfer;

/**
 * Copies the planned chunks of a snapshot into the staging page blob, each at the offset it has on
 * the source, N at a time, retrying transient failures, reporting progress, stoppable.
 */
public interface CopyEngine {

    CopyEngineKind kind();

    /**
     * Copies every chunk of the job.
     *
     * @throws dev.ferry.export.StorageCallFailed a chunk failed for good (not transient, or out of attempts)
     * @throws TransferCancelledException         the job's cancellation was triggered
     */
    CopyResult copy(CopyJob job);
}
