package dev.ferry.support.auth;

import dev.ferry.support.time.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.support.api.ProblemException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decisions around the cluster's answers: what is remembered, for how long, and what a refusal names. */
class ClusterAccessTest {

    private static final Caller OLGA = new Caller("olga", "uid-1", List.of("system:authenticated"));

    /** A cluster that knows some tokens and grants some permissions, and counts the questions it is asked. */
    private static final class Cluster implements AccessReviews {
        final Map<String, Caller> tokens = new HashMap<>();
        final Set<Permission> granted = new HashSet<>();
        final List<String> tokenReviews = new ArrayList<>();

        @Override
        public Optional<Caller> reviewToken(String token) {
            tokenReviews.add(token);
            return Optional.ofNullable(tokens.get(token));
        }

        @Override
        public boolean reviewAccess(Caller caller, Permission permission) {
            return granted.contains(permission);
        }
    }

    private final Cluster cluster = new Cluster();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final ClusterAccess access = new ClusterAccess(cluster, clock);

    @Test
    void anAuthenticatedTokenIsReviewedAgainOnlyAfterTheCacheTime() {
        cluster.tokens.put("t1", OLGA);

        assertThat(access.authenticate("t1")).contains(OLGA);
        clock.advance(ClusterAccess.TOKEN_CACHE.minusMillis(1));
        assertThat(access.authenticate("t1")).contains(OLGA);
        assertThat(cluster.tokenReviews).hasSize(1);

        // Revoked meanwhile: once the cache time is over, the cluster's answer counts.
        cluster.tokens.remove("t1");
        clock.advance(java.time.Duration.ofMillis(1));
        assertThat(access.authenticate("t1")).isEmpty();
        assertThat(cluster.tokenReviews).hasSize(2);
    }

    @Test
    void aRejectedTokenIsAskedAboutEveryTime() {
        assertThat(access.authenticate("forged")).isEmpty();
        assertThat(access.authenticate("forged")).isEmpty();
        assertThat(cluster.tokenReviews).hasSize(2);

        cluster.tokens.put("forged", OLGA);
        assertThat(access.authenticate("forged")).as("a token the cluster accepts later is accepted at once").contains(OLGA);
    }

    @Test
    void aRefusalNamesEveryMissingPermissionAndNoGrantedOne() {
        Permission create = Permission.ferry("create", "restores", "shop-dr");
        Permission read = Permission.ferry("get", "restorepoints", "shop");
        cluster.granted.add(create);

        assertThatThrownBy(() -> access.require(OLGA, create, read, Permission.createNamespaces()))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem("/api/v1/restores").status()).isEqualTo(403);
                    assertThat(e.problem("/api/v1/restores").errors()).containsExactly(
                            "missing permission: get restorepoints.ferry.dev in namespace shop",
                            "missing permission: create namespaces (cluster-wide)");
                    assertThat(e.getMessage()).isEqualTo("User olga may not get restorepoints.ferry.dev in namespace shop, nor "
                            + "create namespaces (cluster-wide).");
                });
        cluster.granted.add(read);
        access.require(OLGA, create, read);
    }
}
