package dev.ferry.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.localcloud.LocalCloud;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * More blob calls in flight at once than the Azure SDK's shared pool has threads (ten per core) all get their
 * answers: the JDK HTTP client under Ferry's blob clients runs on threads of its own (BlobClients), so the pool's
 * threads, each waiting for a call's answer, never leave the answers unread until the calls time out.
 */
class ManyStagingCallsIT {

    private static LocalCloud cloud;
    private static ExportTestBed bed;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.start();
        bed = new ExportTestBed(cloud);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void threeTimesAsManyCallsAsTheSdksSharedPoolHasThreadsAllComplete() throws Exception {
        StagingAccount staging = bed.staging();
        int calls = 3 * 10 * Runtime.getRuntime().availableProcessors();
        ExecutorService callers = Executors.newFixedThreadPool(calls);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<StagingBlob.Creation>> created = new ArrayList<>();
        try {
            for (int i = 0; i < calls; i++) {
                String name = "many-calls-" + i + ".vhd";
                created.add(callers.submit(() -> {
                    start.await();
                    return staging.blob(new StagingBlobName(StagingBlobName.VHD_CONTAINER, name)).createIfAbsent(ExportTestBed.MIB + 512, Map.of());
                }));
            }
            start.countDown();
            for (Future<StagingBlob.Creation> call : created) {
                // Bounded only so that a regression fails rather than hangs: each call's own timeout is 60 s.
                assertThat(call.get(5, TimeUnit.MINUTES)).isEqualTo(StagingBlob.Creation.CREATED);
            }
        } finally {
            callers.shutdownNow();
            for (int i = 0; i < calls; i++) {
                staging.blob(new StagingBlobName(StagingBlobName.VHD_CONTAINER, "many-calls-" + i + ".vhd")).delete();
            }
        }
    }
}
