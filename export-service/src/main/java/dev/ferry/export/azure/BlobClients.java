package dev.ferry.export.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.ferry.support.threads.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How Ferry's blob clients talk: over the JDK's HTTP client, with one try per call and a timeout
 * per try. The copy engines retry (with backoff and Retry-After, per chunk), so the SDK must not
 * retry as well, which would multiply the attempts and hide the throttling from the engines.
 *
 * <p>The HTTP client runs on threads of its own. By default the SDK gives it its shared pool (ten
 * threads per core), the same pool on which the Storage SDK runs every call that has a timeout and
 * waits there for the answer: once as many calls are in flight as the pool has threads, no thread is
 * left to read an answer, and every call waits out its timeout (60 s). That happened with 32 volumes
 * exported at once on two cores.
 */
public record BlobClients(HttpClient httpClient, Duration tryTimeout) {

    /** Grows with the calls in flight, as the JDK client's own default executor does; idle threads go after 60 s. */
    private static final ExecutorService HTTP_THREADS = Executors.newCachedThreadPool(DaemonThreads.named("blob-http-"));

    /** A shared JDK HTTP client, and 60 s per try: a 4 MiB page at Azure's slowest per-blob pace. */
    public static BlobClients standard() {
        return new BlobClients(new JdkHttpClientBuilder().executor(HTTP_THREADS).build(), Duration.ofSeconds(60));
    }

    RequestRetryOptions singleTry() {
        return new RequestRetryOptions(RetryPolicyType.FIXED, 1, tryTimeout, null, null, null);
    }
}
