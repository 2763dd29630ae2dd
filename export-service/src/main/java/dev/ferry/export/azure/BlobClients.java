package dev.ferry.export.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.time.Duration;

/**
 * How Ferry's blob clients talk: over the JDK's HTTP client, with one try per call and a timeout
 * per try. The copy engines retry (with backoff and Retry-After, per chunk), so the SDK must not
 * retry as well, which would multiply the attempts and hide the throttling from the engines.
 */
public record BlobClients(HttpClient httpClient, Duration tryTimeout) {

    /** A shared JDK HTTP client, and 60 s per try: a 4 MiB page at Azure's slowest per-blob pace. */
    public static BlobClients standard() {
        return new BlobClients(new JdkHttpClientBuilder().build(), Duration.ofSeconds(60));
    }

    RequestRetryOptions singleTry() {
        return new RequestRetryOptions(RetryPolicyType.FIXED, 1, tryTimeout, null, null, null);
    }
}
