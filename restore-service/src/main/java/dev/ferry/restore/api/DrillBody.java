package dev.ferry.restore.api;

import java.util.List;

/**
 * The body of {@code POST /api/v1/drills}: drill the newest complete restore point of an application.
 *
 * @param drillId       the drill's id, for retries of the same request (the same id returns the same drill); it must start
 *                      with {@code drill-}; absent means a new one
 * @param namespace     the application's source namespace
 * @param sourceCluster the source cluster, when several back up a namespace of that name
 * @param check         the application's own check, run as a Job over the restored PVCs; absent for none
 */
public record DrillBody(String drillId, String namespace, String sourceCluster, Check check) {

    /**
     * @param image   the check's container image
     * @param command its command (absent: the image's entrypoint); the restored PVCs are under {@code /restored/<pvc name>}
     * @param timeout how long it may run, as Kubernetes writes durations ({@code 10m}); absent: {@code ferry.drills.check-timeout}
     */
    public record Check(String image, List<String> command, String timeout) {
    }
}
