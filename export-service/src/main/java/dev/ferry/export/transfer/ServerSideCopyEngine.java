package dev.ferry.export.transfer;

/**
 * Has the storage service pull each chunk from the source SAS (Put Page From URL, source offset =
 * destination offset). No data passes through this process, which only issues the requests.
 */
public final class ServerSideCopyEngine implements CopyEngine {

    private final ChunkScheduler scheduler;

    public ServerSideCopyEngine(ChunkScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public CopyEngineKind kind() {
        return CopyEngineKind.SERVER_SIDE;
    }

    @Override
    public CopyResult copy(CopyJob job) {
        return scheduler.run(job, (chunk, worker, calls) -> {
            calls.run(() -> job.destination().putPagesFromUrl(chunk, job.source().sas()));
            return ChunkScheduler.Pending.DONE;
        });
    }
}
