package dev.ferry.support.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * Every request a service sends to Resource Manager, as it leaves (after the SDK's retry policy, so
 * each attempt): writes (PUT, PATCH, POST and DELETE) are counted per operation
 * ({@code ferry.azure.arm.writes}) and paced by an {@link ArmWritePacing} of their bucket from the
 * answers' remaining-count header: Resource Manager keeps deletes in a bucket of their own
 * ({@code x-ms-ratelimit-remaining-subscription-deletes}) beside the writes'
 * ({@code -writes}); Compute's own windows, named in {@code x-ms-ratelimit-remaining-resource}, pace the
 * operations they were named for ({@link ComputeWindowPacing}); 429s are counted ({@code ferry.azure.arm.throttled}), and the SDK's retry
 * policy honours their {@code Retry-After}.
 */
final class ArmCallPolicy implements HttpPipelinePolicy {

    static final HttpHeaderName REMAINING_WRITES = HttpHeaderName.fromString("x-ms-ratelimit-remaining-subscription-writes");
    static final HttpHeaderName REMAINING_DELETES = HttpHeaderName.fromString("x-ms-ratelimit-remaining-subscription-deletes");
    static final HttpHeaderName REMAINING_RESOURCE = HttpHeaderName.fromString("x-ms-ratelimit-remaining-resource");
    /** {@code .../providers/Microsoft.Compute/snapshots/<name>[/<action>]}: the resource type and the action. */
    private static final Pattern OPERATION = Pattern.compile("/providers/([^/]+)/([^/]+)/[^/]+(?:/([^/?]+))?");

    private final ArmWritePacing writes;
    private final ArmWritePacing deletes;
    private final ComputeWindowPacing computeWindows;
    private final MeterRegistry metrics;
    private final AtomicLong remainingWrites = new AtomicLong(-1);
    private final AtomicLong remainingDeletes = new AtomicLong(-1);
    private final Map<String, AtomicLong> remainingInWindow = new ConcurrentHashMap<>();

    /** Each bucket gets its own pacing, with the same settings. */
    ArmCallPolicy(ArmWritePacing writes, ArmWritePacing deletes, ComputeWindowPacing computeWindows, MeterRegistry metrics) {
        this.writes = writes;
        this.deletes = deletes;
        this.computeWindows = computeWindows;
        this.metrics = metrics;
        metrics.gauge("ferry.azure.arm.remaining", List.of(Tag.of("bucket", "writes")),
                remainingWrites);
        metrics.gauge("ferry.azure.arm.remaining", List.of(Tag.of("bucket", "deletes")),
                remainingDeletes);
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        HttpRequest request = context.getHttpRequest();
        if (!isWrite(request.getHttpMethod())) {
            return next.process().doOnNext(response -> answered(request, response));
        }
        Duration wait = beforeWrite(request);
        Mono<HttpResponse> send = next.process().doOnNext(response -> answered(request, response));
        return wait.isZero() ? send : Mono.delay(wait).then(send);
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        HttpRequest request = context.getHttpRequest();
        if (isWrite(request.getHttpMethod())) {
            Duration wait = beforeWrite(request);
            if (!wait.isZero()) {
                try {
                    Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while pacing an ARM write", e);
                }
            }
        }
        HttpResponse response = next.processSync();
        answered(request, response);
        return response;
    }

    private Duration beforeWrite(HttpRequest request) {
        String operation = operation(request);
        metrics.counter("ferry.azure.arm.writes", "operation", operation).increment();
        long now = System.nanoTime();
        Duration bucket = (request.getHttpMethod() == HttpMethod.DELETE ? deletes : writes).reserve(now);
        Duration window = computeWindows.reserve(operation, now);
        return bucket.compareTo(window) >= 0 ? bucket : window;
    }

    private void answered(HttpRequest request, HttpResponse response) {
        heard(response.getHeaderValue(REMAINING_WRITES), writes, remainingWrites);
        heard(response.getHeaderValue(REMAINING_DELETES), deletes, remainingDeletes);
        String resource = response.getHeaderValue(REMAINING_RESOURCE);
        if (resource != null) {
            computeWindows.heard(operation(request), resource).forEach((window, left) -> remainingInWindow
                    .computeIfAbsent(window, w -> metrics.gauge("ferry.azure.arm.remaining", List.of(Tag.of("bucket", w)),
                            new AtomicLong(-1)))
                    .set(left));
        }
        if (response.getStatusCode() == 429) {
            metrics.counter("ferry.azure.arm.throttled", "operation", operation(request)).increment();
        }
    }

    private static void heard(String header, ArmWritePacing pacing, AtomicLong gauge) {
        if (header == null) {
            return;
        }
        try {
            long left = Long.parseLong(header.trim());
            pacing.remaining(left);
            gauge.set(left);
        } catch (NumberFormatException e) {
            // A header Ferry cannot read says nothing about the budget.
        }
    }

    private static boolean isWrite(HttpMethod method) {
        return method == HttpMethod.PUT || method == HttpMethod.POST || method == HttpMethod.PATCH || method == HttpMethod.DELETE;
    }

    /** A label of few values: the resource type and the action or method, e.g. {@code snapshots/beginGetAccess}, {@code snapshots/PUT}. */
    static String operation(HttpRequest request) {
        Matcher m = OPERATION.matcher(request.getUrl().getPath());
        String method = request.getHttpMethod().name();
        if (!m.find()) {
            return "other/" + method;
        }
        String type = m.group(2).toLowerCase(Locale.ROOT);
        return m.group(3) != null ? type + "/" + m.group(3) : type + "/" + method;
    }
}
