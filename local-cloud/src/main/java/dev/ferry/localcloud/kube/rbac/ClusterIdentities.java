package dev.ferry.localcloud.kube.rbac;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bearer tokens a stand-in cluster accepts, as its authenticator would: tokens it issued for named users (with
 * their groups) and for service accounts, each until it expires. A token of another cluster, a forged one or an
 * expired one is unknown. Every authenticated identity is also in the group {@code system:authenticated}; a service
 * account is in {@code system:serviceaccounts} and {@code system:serviceaccounts:<namespace>}, as Kubernetes puts
 * them.
 */
public final class ClusterIdentities {

    /** An authenticated identity: what a TokenReview's status says about its token. */
    public record Identity(String user, String uid, List<String> groups, Instant expires) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Identity> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    public ClusterIdentities(Clock clock) {
        this.clock = clock;
    }

    /** A token for a person or a system outside the cluster, with the groups given, valid for {@code ttl}. */
    public String issueUser(String user, List<String> groups, Duration ttl) {
        List<String> all = new ArrayList<>(groups);
        all.add("system:authenticated");
        return issue(new Identity(user, UUID.randomUUID().toString(), List.copyOf(all), clock.instant().plus(ttl)));
    }

    /** A token of the service account {@code namespace/name}, as {@code kubectl create token} gives, valid for {@code ttl}. */
    public String issueServiceAccount(String namespace, String name, Duration ttl) {
        return issue(new Identity("system:serviceaccount:" + namespace + ":" + name, UUID.randomUUID().toString(),
                List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"),
                clock.instant().plus(ttl)));
    }

    /** Who the token belongs to, if this cluster issued it and it has not expired. */
    public Optional<Identity> review(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Identity identity = tokens.get(token);
        if (identity == null || !clock.instant().isBefore(identity.expires())) {
            return Optional.empty();
        }
        return Optional.of(identity);
    }

    private String issue(Identity identity) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        tokens.put(token, identity);
        return token;
    }
}
