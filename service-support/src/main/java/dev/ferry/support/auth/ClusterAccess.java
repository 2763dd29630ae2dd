package dev.ferry.support.auth;

import dev.ferry.support.threads.DaemonThreads;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Who calls and what they may do, as the service's own cluster says ({@link AccessReviews}): Ferry keeps no users or
 * roles of its own, as aggregated API servers and kube-rbac-proxy do not. An authenticated token is remembered for
 * {@link #TOKEN_CACHE} under its SHA-256, never the token itself; rejections and access decisions are not
 * remembered, so a removed RoleBinding counts from the next call.
 */
@ApplicationScoped
public class ClusterAccess {

    /** How long a TokenReview's answer is reused for the same token. */
    static final Duration TOKEN_CACHE = Duration.ofSeconds(10);
    private static final int CACHE_LIMIT = 1024;

    private record Remembered(Caller caller, Instant until) {
    }

    private final AccessReviews reviews;
    private final Clock clock;
    private final Map<String, Remembered> authenticated = new ConcurrentHashMap<>();
    /** Threads of their own for reviews asked at once: each waits on the API server. */
    private final ExecutorService reviewers = Executors.newCachedThreadPool(DaemonThreads.named("access-review-"));

    public ClusterAccess(AccessReviews reviews, Clock clock) {
        this.reviews = reviews;
        this.clock = clock;
    }

    /** The caller the token belongs to, if the cluster authenticates it; empty for a rejected or expired token. */
    public Optional<Caller> authenticate(String token) {
        String key = sha256(token);
        Instant now = clock.instant();
        Remembered known = authenticated.get(key);
        if (known != null && now.isBefore(known.until())) {
            return Optional.of(known.caller());
        }
        Optional<Caller> caller = reviews.reviewToken(token);
        if (caller.isEmpty()) {
            authenticated.remove(key);
            return caller;
        }
        if (authenticated.size() >= CACHE_LIMIT) {
            authenticated.values().removeIf(r -> !now.isBefore(r.until()));
            if (authenticated.size() >= CACHE_LIMIT) {
                authenticated.clear();
            }
        }
        authenticated.put(key, new Remembered(caller.get(), now.plus(TOKEN_CACHE)));
        return caller;
    }

    /** Whether the cluster's RBAC lets the caller do that. */
    public boolean allowed(Caller caller, Permission permission) {
        return reviews.reviewAccess(caller, permission);
    }

    /**
     * The items in whose namespace the caller may {@code list} Ferry's {@code resource}, in their order: what a list
     * shows a caller who named no namespace. Each namespace is asked about once.
     */
    public <T> List<T> listable(Caller caller, String resource, List<T> items, java.util.function.Function<T, String> namespaceOf) {
        java.util.Map<String, Boolean> readable = new java.util.HashMap<>();
        return items.stream().filter(item -> readable.computeIfAbsent(namespaceOf.apply(item),
                namespace -> allowed(caller, Permission.ferry("list", resource, namespace)))).toList();
    }

    /**
     * Goes on only if the caller has every permission; otherwise a 403 naming each one missing. Several permissions
     * are asked at once: a restore's three reviews cost one round trip, not three.
     */
    public void require(Caller caller, Permission... permissions) {
        List<Permission> missing = new ArrayList<>();
        if (permissions.length == 1) {
            if (!allowed(caller, permissions[0])) {
                missing.add(permissions[0]);
            }
        } else {
            List<CompletableFuture<Boolean>> answers = new ArrayList<>();
            for (Permission permission : permissions) {
                answers.add(CompletableFuture.supplyAsync(() -> allowed(caller, permission), reviewers));
            }
            for (int i = 0; i < permissions.length; i++) {
                try {
                    if (!answers.get(i).join()) {
                        missing.add(permissions[i]);
                    }
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
        }
        if (!missing.isEmpty()) {
            throw AccessDenied.missing(caller, missing);
        }
    }

    @PreDestroy
    void stop() {
        reviewers.shutdown();
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
